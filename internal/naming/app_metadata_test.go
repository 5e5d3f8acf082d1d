package naming

import (
	"reflect"
	"testing"
)

func TestAppMetadata(t *testing.T) {
	a, err := testEnv(t).App("payments")
	if err != nil {
		t.Fatal(err)
	}
	user := map[string]string{"team": "payments", OwnerKey: "forged/owner", RemovedKey: "x"}
	got := a.Metadata(user, "Payment service")
	want := map[string]string{
		"team":         "payments",
		DescriptionKey: "Payment service",
		MarkerKey:      MarkerValue,
		OwnerKey:       "production/payments",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Metadata = %v, want %v", got, want)
	}
	if !IsMarked(got, a.Owner()) {
		t.Error("Metadata is not marked as the app's")
	}
	if _, ok := a.Metadata(nil, "")[DescriptionKey]; ok {
		t.Error("an empty description was written")
	}
	if u := UserMetadata(got); !reflect.DeepEqual(u, map[string]string{"team": "payments"}) {
		t.Errorf("UserMetadata = %v, want only the user's key", u)
	}
}
