// Package process holds the provider process's own settings, applied by main
// before it serves: garbage collector tuning, turning off logs nobody reads,
// and (only in builds with -tags benchpprof, for make bench) profiling.
package process
