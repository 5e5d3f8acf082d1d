package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// sample is what one terraform command cost.
type sample struct {
	Seconds float64
	// PeakRSSMiB is the largest VmHWM (peak resident set) of any provider
	// process terraform started during the command.
	PeakRSSMiB float64
	// ProviderCPU is the CPU time (user+system) of those processes.
	ProviderCPU float64
	// CPU is the CPU time of terraform with everything it started, plus
	// Vault's during the command: on a shared machine it varies far less
	// than wall time.
	CPU float64
}

// clockTicks is the unit of utime/stime in /proc/PID/stat (USER_HZ, 100 on
// every Linux this runs on).
const clockTicks = 100

// runTerraform runs terraform args in dir with env added, timing it and watching
// the provider processes it starts; vaultPID (0: none) is the Vault server
// whose CPU time counts too. wantExit lists acceptable exit codes.
func runTerraform(cli *testharness.CLI, dir string, env []string, vaultPID int, wantExit []int, args ...string) (sample, error) {
	var out bytes.Buffer
	cmd := cli.Command(context.Background(), dir, &out, env, args...)
	vaultBefore := cpuTicks(vaultPID)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	done := make(chan struct{})
	watched := make(chan map[int]procUsage)
	go func() { watched <- watchChildren(cmd.Process.Pid, done) }()
	err := cmd.Wait()
	elapsed := time.Since(start)
	close(done)
	procs := <-watched
	code := cmd.ProcessState.ExitCode()
	if !contains(wantExit, code) {
		_ = os.WriteFile(filepath.Join(dir, "failed.log"), out.Bytes(), 0o644)
		return sample{}, fmt.Errorf("terraform %s in %s exited %d (%v):\n%s", strings.Join(args, " "), dir, code, err, lastLines(out.String(), 30))
	}
	// The rusage of terraform includes the providers it waited for.
	ps := cmd.ProcessState
	s := sample{Seconds: elapsed.Seconds(), CPU: (ps.UserTime() + ps.SystemTime()).Seconds()}
	if vaultPID > 0 {
		s.CPU += float64(cpuTicks(vaultPID)-vaultBefore) / clockTicks
	}
	for _, u := range procs {
		s.PeakRSSMiB = max(s.PeakRSSMiB, float64(u.hwmKiB)/1024)
		s.ProviderCPU += float64(u.ticks) / clockTicks
	}
	return s, nil
}

type procUsage struct {
	hwmKiB int64
	ticks  int64
}

// watchChildren polls /proc for terraform's provider processes (children
// of parent) until done, keeping each one's last VmHWM and CPU ticks. A
// provider's last few milliseconds can be missed; VmHWM is a high-water
// mark, so the peak is not.
func watchChildren(parent int, done <-chan struct{}) map[int]procUsage {
	seen := map[int]procUsage{}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		for _, pid := range providerChildren(parent) {
			u := seen[pid]
			if hwm := vmHWM(pid); hwm > u.hwmKiB {
				u.hwmKiB = hwm
			}
			if t := cpuTicks(pid); t > u.ticks {
				u.ticks = t
			}
			seen[pid] = u
		}
		select {
		case <-done:
			return seen
		case <-tick.C:
		}
	}
}

// providerChildren lists the children of parent whose command name is a
// Terraform provider's ("terraform-provider-…", cut to 15 bytes by Linux).
func providerChildren(parent int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, ppid, _, ok := procStat(pid)
		if ok && ppid == parent && strings.HasPrefix(comm, "terraform-provi") {
			out = append(out, pid)
		}
	}
	return out
}

// procStat reads the command name, parent pid and CPU ticks of pid.
func procStat(pid int) (comm string, ppid int, ticks int64, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, 0, false
	}
	s := string(b)
	open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || closing < open {
		return "", 0, 0, false
	}
	comm = s[open+1 : closing]
	// After ") ": state ppid pgrp session tty tpgid flags minflt cminflt
	// majflt cmajflt utime stime …
	f := strings.Fields(s[closing+1:])
	if len(f) < 13 {
		return "", 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return comm, ppid, utime + stime, true
}

func cpuTicks(pid int) int64 {
	_, _, t, _ := procStat(pid)
	return t
}

// vmHWM reads the peak resident set size of pid in KiB.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
