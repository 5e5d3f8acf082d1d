package process

import (
	"reflect"
	"testing"
)

func TestQuietUnreadLogs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		environ []string
		want    map[string]string
	}{
		{"nothing asked for logs", []string{"PATH=/bin", "TF_IN_AUTOMATION=1"}, map[string]string{
			"TF_LOG_PROVIDER": "off", "TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off",
		}},
		{"TF_LOG set", []string{"TF_LOG=trace"}, map[string]string{}},
		{"TF_LOG_PROVIDER set", []string{"TF_LOG_PROVIDER=debug"}, map[string]string{}},
		{"TF_LOG_PATH set", []string{"TF_LOG_PATH=/tmp/tf.log"}, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]string{}
			err := QuietUnreadLogs(tc.environ, func(k, v string) error { got[k] = v; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("set %v, want %v", got, tc.want)
			}
		})
	}
}
