// Package examples tests the project's examples as a user runs them: the
// shared module's environment projects applied against real Vault dev
// servers, and the CI pipeline files checked against the deploy roles of the
// bootstrap project, so examples/ can never drift from the provider or from
// each other.
package examples
