package naming

import (
	"fmt"
	"regexp"
	"strings"
)

// ProjectKey is the marker holding the provider's owner: the project (a
// repository path such as "platform/vault-config") whose Terraform state
// manages the object. OwnerKey holds the object's identity "E/A"; the two
// together answer "who manages this?" for every object Vault lets us mark.
const ProjectKey = "vaultboot-project"

// PolicyProjectPrefix starts the second header line of a policy vaultboot
// writes for a project.
const PolicyProjectPrefix = "# vaultboot project: "

var ownerRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,199}$`)

// OwnerRule describes the allowed syntax of the provider's owner.
const OwnerRule = "1 to 200 characters of A-Z, a-z, 0-9, '.', '_', '@', ':', '/' and '-', starting with a letter or digit, such as a repository path like platform/vault-config"

// ValidateOwner checks the provider's owner. Its alphabet is a subset of
// what a policy comment keeps as is, so the policy header round-trips.
func ValidateOwner(owner string) error {
	if !ownerRE.MatchString(owner) || strings.Contains(owner, "..") || strings.Contains(owner, "//") {
		return fmt.Errorf("%s is not a valid owner: use %s", Describe(owner), OwnerRule)
	}
	return nil
}

// WithOwner returns the environment with the provider's owner, which every
// marker it writes from then on carries.
func (e Env) WithOwner(owner string) (Env, error) {
	if err := ValidateOwner(owner); err != nil {
		return Env{}, err
	}
	e.project = owner
	return e, nil
}

// Owner is the provider's owner, "" before WithOwner.
func (e Env) Owner() string { return e.project }

// Claim is whose an existing object is, judged by its marks.
type Claim int

const (
	// Foreign: not marked as vaultboot's for this object's identity and an
	// owner (every object vaultboot writes carries both).
	Foreign Claim = iota
	// Ours: marked for this identity and this provider's owner.
	Ours
	// OtherOwner: marked for this identity by another project.
	OtherOwner
	// OtherResource: marked by vaultboot for another identity, i.e. the
	// object of another vaultboot resource; never to be imported or
	// adopted under this one.
	OtherResource
)

// String names the claim in logs.
func (c Claim) String() string {
	switch c {
	case Foreign:
		return "foreign"
	case Ours:
		return "ours"
	case OtherOwner:
		return "other-owner"
	case OtherResource:
		return "other-resource"
	}
	return fmt.Sprintf("claim(%d)", int(c))
}

// Verdict is a Claim with the owner the marks name and, for
// OtherResource, the identity they name.
type Verdict struct {
	Claim    Claim
	Owner    string
	Identity string
}

func (e Env) judge(identity, markedIdentity, markedOwner string, marked bool) Verdict {
	switch {
	case !marked || markedIdentity == "":
		return Verdict{Claim: Foreign}
	case markedIdentity != identity:
		return Verdict{Claim: OtherResource, Owner: markedOwner, Identity: markedIdentity}
	case markedOwner == "":
		return Verdict{Claim: Foreign}
	case markedOwner == e.project:
		return Verdict{Claim: Ours, Owner: markedOwner}
	}
	return Verdict{Claim: OtherOwner, Owner: markedOwner}
}

// JudgeMetadata judges KV custom_metadata or identity group metadata.
func (e Env) JudgeMetadata(identity string, meta map[string]string) Verdict {
	return e.judge(identity, meta[OwnerKey], meta[ProjectKey], meta[MarkerKey] == MarkerValue)
}

// JudgePolicy judges a policy document by its header.
func (e Env) JudgePolicy(identity, doc string) Verdict {
	id := PolicyOwner(doc)
	return e.judge(identity, id, PolicyProject(doc), id != "")
}

// PolicyProject returns the owner named in a policy's second header line,
// or "" when there is none.
func PolicyProject(policy string) string {
	_, rest, _ := strings.Cut(policy, "\n")
	second, _, _ := strings.Cut(rest, "\n")
	owner, ok := strings.CutPrefix(strings.TrimRight(second, "\r"), PolicyProjectPrefix)
	if !ok {
		return ""
	}
	return strings.TrimSpace(owner)
}

// renderPolicy renders an object's policy with both header lines: the
// identity and, when the provider has one, its owner.
func (e Env) renderPolicy(identity string, rules []Rule) string {
	header := []string{PolicyHeaderPrefix + commentSafe(identity)}
	if e.project != "" {
		header = append(header, PolicyProjectPrefix+commentSafe(e.project))
	}
	return renderPolicy(header, rules)
}
