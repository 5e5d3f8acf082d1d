// Command bench is `make bench`: vaultboot against the official
// hashicorp/terraform-provider-vault expressing the same conventions with
// raw resources, and against Terraform's own floor (terraform_data of the
// same shape), on the same machine, Vault and Terraform, in one run.
//
// For each N and each side, interleaved run by run so machine drift cancels
// in the ratios: a fresh dev Vault, apply from empty, a no-op plan (full
// refresh), plan -refresh=false, and (first run) a no-op plan through a
// counting proxy for the Vault requests per app per refresh. The provider
// processes' peak RSS and CPU are read from /proc. Results go to
// bench/results as markdown and CSV, and optionally into the README.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// side is one configuration under test: a provider and a layout.
type side struct {
	Provider  Provider
	BlockSize int  // 0: one for_each block per resource type
	Baseline  bool // vaultboot from the -baseline binary (e.g. before a change)
}

func (s side) String() string {
	name := map[Provider]string{Vaultboot: "vaultboot", Official: "official provider", Floor: "terraform_data floor"}[s.Provider]
	if s.BlockSize > 0 {
		name += fmt.Sprintf(" (blocks of %d)", s.BlockSize)
	}
	if s.Baseline {
		name += " (baseline)"
	}
	return name
}

type options struct {
	ns        []int
	runs      int
	splitAt   int // also run vaultboot and the floor split into blocks of this many apps (0: no)
	repo      string
	terraform string
	vault     string
	official  string
	baseline  string
	sides     map[string]bool // which of vaultboot, official, floor, split, baseline run
	outDir    string
	readme    string
	keep      bool
	profile   string // directory for pprof profiles of the vaultboot build (empty: none)
}

func main() {
	o, err := parseFlags()
	if err == nil {
		err = run(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags() (options, error) {
	var o options
	ns := flag.String("n", envOr("BENCH_N", "50 200 500"), "app counts to run, space or comma separated (env BENCH_N)")
	flag.IntVar(&o.runs, "runs", atoiOr(os.Getenv("BENCH_RUNS"), 3), "runs per N and side (env BENCH_RUNS)")
	flag.IntVar(&o.splitAt, "split", atoiOr(os.Getenv("BENCH_SPLIT"), 0), "also run vaultboot and the floor with the apps split into resource blocks of this many (env BENCH_SPLIT)")
	flag.StringVar(&o.terraform, "terraform", "terraform", "terraform binary")
	flag.StringVar(&o.vault, "vault", "bin/vault", "vault binary (dev server)")
	flag.StringVar(&o.official, "official", "", "the official provider's binary, terraform-provider-vault")
	flag.StringVar(&o.baseline, "baseline", "", "also run this vaultboot binary (e.g. built before a change) as a side of its own")
	flag.StringVar(&o.outDir, "out", "bench/results", "directory for the markdown and CSV results")
	flag.StringVar(&o.readme, "readme", "", "README whose Performance section gets the table (empty: leave it)")
	only := flag.String("sides", envOr("BENCH_SIDES", "vaultboot,official,floor,split,baseline"), "which configurations run (split and baseline also need -split or -baseline) (env BENCH_SIDES)")
	flag.StringVar(&o.profile, "profile", os.Getenv("BENCH_PROFILE"), "build vaultboot with -tags benchpprof and write its CPU and heap profiles into this directory (env BENCH_PROFILE); distorts the figures")
	flag.BoolVar(&o.keep, "keep", false, "keep the working directory (configurations, state, logs)")
	flag.Parse()
	for _, f := range strings.FieldsFunc(*ns, func(r rune) bool { return r == ' ' || r == ',' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return o, fmt.Errorf("BENCH_N: %q is not a positive app count", f)
		}
		o.ns = append(o.ns, n)
	}
	o.sides = map[string]bool{}
	for _, f := range strings.Split(*only, ",") {
		o.sides[strings.TrimSpace(f)] = true
	}
	if len(o.ns) == 0 || o.runs < 1 || o.official == "" {
		return o, fmt.Errorf("need at least one N, one run and -official")
	}
	var err error
	if o.repo, err = os.Getwd(); err != nil {
		return o, err
	}
	for _, p := range []*string{&o.vault, &o.official, &o.outDir, &o.baseline, &o.profile} {
		if *p == "" {
			continue
		}
		if *p, err = filepath.Abs(*p); err != nil {
			return o, err
		}
	}
	if o.terraform, err = exec.LookPath(o.terraform); err != nil {
		return o, err
	}
	// The harness starts the dev servers from the binary it is given.
	return o, os.Setenv("VAULTBOOT_VAULT_BIN", o.vault)
}

func run(o options) error {
	work, err := os.MkdirTemp("", "vaultboot-bench-*")
	if err != nil {
		return err
	}
	if o.keep {
		say("working directory %s (kept)", work)
	} else {
		defer func() { _ = os.RemoveAll(work) }()
	}
	say("building the provider")
	plugins := filepath.Join(work, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-vaultboot"), ".")
	if o.profile != "" {
		build.Args = append(build.Args[:2], "-tags", "benchpprof", "-o", filepath.Join(plugins, "terraform-provider-vaultboot"), ".")
	}
	build.Dir, build.Stdout, build.Stderr = o.repo, os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building vaultboot: %w", err)
	}
	cli, err := benchCLI(o, filepath.Join(work, "home"), plugins)
	if err != nil {
		return err
	}
	b := &bencher{o: o, work: work, cli: cli}
	if o.profile != "" {
		if err := os.MkdirAll(o.profile, 0o755); err != nil {
			return err
		}
		b.cli.SetEnv("VAULTBOOT_PPROF_DIR=" + o.profile)
	}
	m, err := describeMachine(o)
	if err != nil {
		return err
	}
	m.Sizes = map[Provider]int64{Vaultboot: fileSize(filepath.Join(plugins, "terraform-provider-vaultboot")), Official: fileSize(o.official)}
	var sides []side
	for _, p := range []Provider{Vaultboot, Official, Floor} {
		if o.sides[string(p)] {
			sides = append(sides, side{Provider: p})
		}
	}
	if o.splitAt > 0 && o.sides["split"] {
		sides = append(sides, side{Provider: Vaultboot, BlockSize: o.splitAt}, side{Provider: Floor, BlockSize: o.splitAt})
	}
	if o.baseline != "" && o.sides["baseline"] {
		if b.baselineCLI, err = baselineCLI(work, o); err != nil {
			return err
		}
		sides = append(sides, side{Provider: Vaultboot, Baseline: true})
	}
	if len(sides) == 0 {
		return fmt.Errorf("BENCH_SIDES selects no configuration")
	}
	var res results
	for _, n := range o.ns {
		for r := range o.runs {
			for i := range sides {
				// Rotate the order run by run: each side goes first as often.
				s := sides[(i+r)%len(sides)]
				say("N=%d run %d/%d: %s", n, r+1, o.runs, s)
				m, err := b.measure(s, n, r+1, r == 0)
				if err != nil {
					return err
				}
				res.add(m)
			}
		}
		if err := res.write(o.outDir, m, sides, false); err != nil { // partial results survive a later failure
			return err
		}
	}
	if err := res.write(o.outDir, m, sides, true); err != nil {
		return err
	}
	if o.readme != "" {
		return updateReadme(o.readme, res.markdown(m, sides))
	}
	return nil
}

// bencher runs one measurement at a time.
type bencher struct {
	o           options
	work        string
	cli         *testharness.CLI
	baselineCLI *testharness.CLI // its dev_overrides point at the -baseline binary
}

// measure applies side s for n apps against a fresh Vault and times the
// three commands; with count it also counts a refresh's Vault requests.
func (b *bencher) measure(s side, n, run int, count bool) (measurement, error) {
	m := measurement{Side: s, N: n, Run: run}
	cli := b.cli
	if s.Baseline {
		cli = b.baselineCLI
	}
	var env []string
	var v *devVault
	if s.Provider.needsVault() {
		var err error
		if v, err = startDevVault(); err != nil {
			return m, fmt.Errorf("starting Vault: %w", err)
		}
		defer v.Stop()
		env = []string{"VAULT_ADDR=" + v.Addr, "VAULT_TOKEN=" + v.Token}
	}
	dir := filepath.Join(b.work, fmt.Sprintf("n%d-%s-%d-%v-run%d", n, s.Provider, s.BlockSize, s.Baseline, run))
	accessor := ""
	if v != nil {
		accessor = v.oidcAccessor
	}
	if err := writeConfig(dir, s.Provider, n, s.BlockSize, accessor); err != nil {
		return m, err
	}
	flags := []string{"-input=false", "-no-color", "-compact-warnings"}
	vaultPID := 0
	if v != nil {
		vaultPID = v.PID()
	}
	var err error
	if m.Apply, err = runTerraform(cli, dir, env, vaultPID, []int{0}, append([]string{"apply", "-auto-approve"}, flags...)...); err != nil {
		return m, err
	}
	// -detailed-exitcode: 0 is an empty plan; 2 (changes) means the
	// configuration does not converge, and its timings would be wrong.
	plan := append([]string{"plan", "-detailed-exitcode"}, flags...)
	if m.Plan, err = runTerraform(cli, dir, env, vaultPID, []int{0}, plan...); err != nil {
		return m, err
	}
	if m.PlanNoRefresh, err = runTerraform(cli, dir, env, vaultPID, []int{0}, append(plan, "-refresh=false")...); err != nil {
		return m, err
	}
	if count && v != nil {
		m.Requests, err = countRefresh(cli, dir, env, v, plan)
	}
	return m, err
}

// countRefresh runs one more no-op plan with Vault behind the counting
// proxy (kept out of the timed runs) and returns its requests by kind.
func countRefresh(cli *testharness.CLI, dir string, env []string, v *devVault, plan []string) (map[string]int, error) {
	p, err := testharness.StartCountingProxy(v.Addr)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	if _, err := runTerraform(cli, dir, append(env, "VAULT_ADDR="+p.URL), 0, []int{0}, plan...); err != nil {
		return nil, err
	}
	return countByKind(p), nil
}

// benchCLI is the harness's scrubbed Terraform runner with a CLI config
// that points both providers at local builds through dev_overrides:
// nothing comes from the public registry.
func benchCLI(o options, home, vaultbootDir string) (*testharness.CLI, error) {
	cli, err := testharness.NewCLI(o.terraform, home, fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
    %q = %q
  }
}
`, vaultbootAddr, vaultbootDir, officialAddr, filepath.Dir(o.official)))
	if err != nil {
		return nil, err
	}
	cli.SetEnv("VAULTBOOT_OWNER=" + benchEnv)
	return cli, nil
}

// baselineCLI links the -baseline binary into a plugin directory of its
// own and returns a runner whose CLI config points there.
func baselineCLI(work string, o options) (*testharness.CLI, error) {
	dir := filepath.Join(work, "plugins-baseline")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.Symlink(o.baseline, filepath.Join(dir, "terraform-provider-vaultboot")); err != nil {
		return nil, err
	}
	return benchCLI(o, filepath.Join(work, "home-baseline"), dir)
}

func say(format string, args ...any) {
	fmt.Printf("==> %s %s\n", time.Now().UTC().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}
