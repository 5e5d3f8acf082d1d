package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// measurement is one side at one N in one run.
type measurement struct {
	Side                       side
	N, Run                     int
	Apply, Plan, PlanNoRefresh sample
	Requests                   map[string]int // by kind, first run only
}

// machine describes where the benchmark ran.
type machine struct {
	Started              time.Time
	CPU                  string
	Cores                int
	Load                 string
	Go, Terraform, Vault string
	Runs                 int
	Sizes                map[Provider]int64
}

func describeMachine(o options) (machine, error) {
	m := machine{Started: time.Now().UTC(), Cores: runtime.NumCPU(), Go: runtime.Version(), Runs: o.runs}
	m.CPU = cpuModel()
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.Load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	m.Terraform = firstLine(exec.Command(o.terraform, "version"), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE=/dev/null")
	m.Vault = firstLine(exec.Command(o.vault, "version"))
	return m, nil
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func firstLine(cmd *exec.Cmd, env ...string) string {
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}

type results struct{ all []measurement }

func (r *results) add(m measurement) { r.all = append(r.all, m) }

// of returns the measurements of one side at one N, in run order.
func (r *results) of(s side, n int) []measurement {
	var out []measurement
	for _, m := range r.all {
		if m.Side == s && m.N == n {
			out = append(out, m)
		}
	}
	return out
}

func (r *results) ns() []int {
	seen := map[int]bool{}
	var out []int
	for _, m := range r.all {
		if !seen[m.N] {
			seen[m.N] = true
			out = append(out, m.N)
		}
	}
	sort.Ints(out)
	return out
}

// metric picks one figure of a measurement.
type metric func(measurement) float64

var (
	applyTime metric = func(m measurement) float64 { return m.Apply.Seconds }
	planTime  metric = func(m measurement) float64 { return m.Plan.Seconds }
	noRefresh metric = func(m measurement) float64 { return m.PlanNoRefresh.Seconds }
	planRSS   metric = func(m measurement) float64 { return m.Plan.PeakRSSMiB }
	planCPU   metric = func(m measurement) float64 { return m.Plan.ProviderCPU }
	applyRSS  metric = func(m measurement) float64 { return m.Apply.PeakRSSMiB }
	applyAll  metric = func(m measurement) float64 { return m.Apply.CPU }
	planAll   metric = func(m measurement) float64 { return m.Plan.CPU }
	noRefAll  metric = func(m measurement) float64 { return m.PlanNoRefresh.CPU }
)

// stat is a median with its spread.
type stat struct{ med, lo, hi float64 }

func summarize(xs []float64) stat {
	if len(xs) == 0 {
		return stat{}
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stat{med: med, lo: s[0], hi: s[len(s)-1]}
}

func values(ms []measurement, f metric) []float64 {
	out := make([]float64, len(ms))
	for i, m := range ms {
		out[i] = f(m)
	}
	return out
}

// ratio is the median over runs of a's figure divided by b's in the same
// run: interleaved runs share the machine's state, so drift cancels.
func ratio(a, b []measurement, f metric) stat {
	var rs []float64
	for i := range min(len(a), len(b)) {
		if d := f(b[i]); d > 0 {
			rs = append(rs, f(a[i])/d)
		}
	}
	return summarize(rs)
}

func (s stat) seconds() string {
	if s.lo == s.hi {
		return fmt.Sprintf("%.2f s", s.med)
	}
	return fmt.Sprintf("%.2f s (%.2f–%.2f)", s.med, s.lo, s.hi)
}

func (s stat) mib() string {
	if s.med == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", s.med)
}

func (s stat) times() string {
	if s.med == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", s.med, s.lo, s.hi)
}

// requestsPerApp formats a refresh's requests: the app objects per app,
// then identity and other requests in all.
func requestsPerApp(ms []measurement, n int) string {
	for _, m := range ms {
		if m.Requests == nil {
			continue
		}
		apps := m.Requests[kindMetadata] + m.Requests[kindPolicy] + m.Requests[kindRole]
		return fmt.Sprintf("%.2f + %d identity + %d other", float64(apps)/float64(n), m.Requests[kindIdentity], m.Requests[kindOther])
	}
	return "–"
}

// markdown renders the tables: absolute figures, then the ratios.
func (r *results) markdown(m machine, sides []side) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %d × %s (load average at start %s), %s, %s, %s; %d interleaved runs per N, median (min–max).\n\n",
		m.Started.Format("2006-01-02 15:04 UTC"), m.Cores, m.CPU, m.Load, m.Terraform, m.Vault, m.Go, m.Runs)
	fmt.Fprintf(&b, "Provider binaries: vaultboot %.1f MiB, official %.1f MiB.\n\n", mib(m.Sizes[Vaultboot]), mib(m.Sizes[Official]))
	b.WriteString("| N | configuration | apply from empty | no-op plan | `plan -refresh=false` | CPU of the no-op plan: all / provider | provider peak RSS (no-op plan) | Vault requests per refresh: per app + constant |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, n := range r.ns() {
		for _, s := range sides {
			ms := r.of(s, n)
			if len(ms) == 0 {
				continue
			}
			cpuText := fmt.Sprintf("%.2f s", summarize(values(ms, planAll)).med)
			if s.Provider != Floor {
				cpuText += fmt.Sprintf(" / %.2f s", summarize(values(ms, planCPU)).med)
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s | %s |\n", n, s,
				summarize(values(ms, applyTime)).seconds(), summarize(values(ms, planTime)).seconds(),
				summarize(values(ms, noRefresh)).seconds(), cpuText, summarize(values(ms, planRSS)).mib(), requestsPerApp(ms, n))
		}
	}
	b.WriteString("\nRatios, median of per-run ratios (min–max): how many times faster vaultboot is than the official provider, and vaultboot's time over the `terraform_data` floor's.\n\n")
	b.WriteString("| N | official ÷ vaultboot: apply | no-op plan | `-refresh=false` | vaultboot ÷ floor: apply | no-op plan | `-refresh=false` |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	vb, off, fl := side{Provider: Vaultboot}, side{Provider: Official}, side{Provider: Floor}
	for _, n := range r.ns() {
		v, o, f := r.of(vb, n), r.of(off, n), r.of(fl, n)
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s |\n", n,
			ratio(o, v, applyTime).times(), ratio(o, v, planTime).times(), ratio(o, v, noRefresh).times(),
			ratio(v, f, applyTime).times(), ratio(v, f, planTime).times(), ratio(v, f, noRefresh).times())
	}
	b.WriteString("\nThe same ratios by CPU time (terraform, the provider and Vault together), which a busy machine disturbs less than wall time.\n\n")
	b.WriteString("| N | official ÷ vaultboot: apply | no-op plan | `-refresh=false` | vaultboot ÷ floor: apply | no-op plan | `-refresh=false` |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, n := range r.ns() {
		v, o, f := r.of(vb, n), r.of(off, n), r.of(fl, n)
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s |\n", n,
			ratio(o, v, applyAll).times(), ratio(o, v, planAll).times(), ratio(o, v, noRefAll).times(),
			ratio(v, f, applyAll).times(), ratio(v, f, planAll).times(), ratio(v, f, noRefAll).times())
	}
	if len(r.of(side{Provider: Vaultboot, Baseline: true}, r.ns()[0])) > 0 {
		b.WriteString("\nBefore and after: the baseline binary's figure over this build's (median of per-run ratios).\n\n")
		b.WriteString("| N | apply | no-op plan | `-refresh=false` | no-op plan CPU: all | provider | provider peak RSS |\n|---|---|---|---|---|---|---|\n")
		for _, n := range r.ns() {
			base := r.of(side{Provider: Vaultboot, Baseline: true}, n)
			v := r.of(vb, n)
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s |\n", n, ratio(base, v, applyTime).times(), ratio(base, v, planTime).times(),
				ratio(base, v, noRefresh).times(), ratio(base, v, planAll).times(), ratio(base, v, planCPU).times(), ratio(base, v, planRSS).times())
		}
	}
	return b.String()
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// write stores the report as latest.md and latest.csv in dir: one report,
// the last run's (earlier ones are in the repository's history). A run
// still under way writes what it has so far, marked partial, so a later
// failure keeps it.
func (r *results) write(dir string, m machine, sides []side, final bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	title := "# make bench\n\n"
	if !final {
		title = "# make bench (partial: the run did not finish)\n\n"
	}
	md, csvPath := filepath.Join(dir, "latest.md"), filepath.Join(dir, "latest.csv")
	if err := os.WriteFile(md, []byte(title+r.markdown(m, sides)), 0o644); err != nil {
		return err
	}
	if err := r.writeCSV(csvPath, m); err != nil {
		return err
	}
	if final {
		say("results: %s, %s", md, csvPath)
	}
	return nil
}

func (r *results) writeCSV(path string, m machine) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"started", "n", "configuration", "run", "apply_s", "plan_s", "plan_refresh_false_s",
		"plan_provider_peak_rss_mib", "plan_provider_cpu_s", "apply_provider_peak_rss_mib",
		"apply_cpu_s", "plan_cpu_s", "plan_refresh_false_cpu_s",
		"refresh_requests_kv_metadata", "refresh_requests_policy", "refresh_requests_k8s_role", "refresh_requests_identity", "refresh_requests_other", "provider_binary_bytes"})
	for _, x := range r.all {
		req := func(kind string) string {
			if x.Requests == nil {
				return ""
			}
			return strconv.Itoa(x.Requests[kind])
		}
		_ = w.Write([]string{m.Started.Format(time.RFC3339), strconv.Itoa(x.N), x.Side.String(), strconv.Itoa(x.Run),
			f3(applyTime(x)), f3(planTime(x)), f3(noRefresh(x)), f3(planRSS(x)), f3(planCPU(x)), f3(applyRSS(x)),
			f3(applyAll(x)), f3(planAll(x)), f3(noRefAll(x)),
			req(kindMetadata), req(kindPolicy), req(kindRole), req(kindIdentity), req(kindOther), strconv.FormatInt(m.Sizes[x.Side.Provider], 10)})
	}
	w.Flush()
	return errors.Join(w.Error(), f.Close())
}

func f3(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }

// Markers around the generated part of the README's Performance section.
const (
	readmeBegin = "<!-- make bench: begin -->"
	readmeEnd   = "<!-- make bench: end -->"
)

// updateReadme replaces the text between the markers with table.
func updateReadme(path, table string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	i, j := strings.Index(s, readmeBegin), strings.Index(s, readmeEnd)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %q … %q section for the table", path, readmeBegin, readmeEnd)
	}
	s = s[:i+len(readmeBegin)] + "\n" + table + s[j:]
	say("updated the Performance section of %s", path)
	return os.WriteFile(path, []byte(s), 0o644)
}
