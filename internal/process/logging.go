package process

import "strings"

// sdkLogLevels are the variables that set the levels of the plugin SDK's
// loggers inside the provider process: vaultboot's own (tflog), the
// framework's, the protocol layer's and the SDK root.
var sdkLogLevels = []string{"TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// QuietUnreadLogs turns the plugin SDK's logging off when Terraform will
// discard it anyway. Without a level set, the SDK renders every request's
// trace lines as JSON and leaves the filtering to Terraform, which keeps
// nothing unless a TF_LOG* variable is set (the provider inherits
// Terraform's environment), and that rendering is a large share of the
// provider's CPU in a big no-op plan (make bench). With any TF_LOG*
// variable set, nothing changes: the logs are there for whoever asked.
func QuietUnreadLogs(environ []string, setenv func(key, value string) error) error {
	for _, kv := range environ {
		if strings.HasPrefix(kv, "TF_LOG") {
			return nil
		}
	}
	for _, k := range sdkLogLevels {
		if err := setenv(k, "off"); err != nil {
			return err
		}
	}
	return nil
}
