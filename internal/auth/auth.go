// Package auth defines roles, the authenticated principal, password hashing
// and API token generation. Storage of users, sessions and tokens is in store.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"xinyong/internal/errs"
)

// Role is what a principal may do.
type Role string

const (
	RoleOperator Role = "operator" // 信用办: runs the platform
	RoleClerk    Role = "clerk"    // 部门经办人: submits and manages own department's data
	RoleReviewer Role = "reviewer" // 部门审核人: reviews own department's submissions
	RoleSystem   Role = "system"   // 实施部门业务系统: calls the check, reports feedback
	RoleSubject  Role = "subject"  // 信用主体: sees and acts on its own data
	RolePublic   Role = "public"   // 社会公众: anonymous
)

// Roles lists every role, in display order.
var Roles = []Role{RoleOperator, RoleClerk, RoleReviewer, RoleSystem, RoleSubject, RolePublic}

// Label is the Chinese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleOperator:
		return "平台管理员（信用办）"
	case RoleClerk:
		return "部门经办人"
	case RoleReviewer:
		return "部门审核人"
	case RoleSystem:
		return "实施部门业务系统"
	case RoleSubject:
		return "信用主体"
	case RolePublic:
		return "社会公众"
	}
	return string(r)
}

// ParseRole accepts the code or the Chinese label.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if s == string(r) || s == r.Label() {
			return r, nil
		}
	}
	return "", errs.Field("role", "未知角色："+s+"（可选 operator、clerk、reviewer、system、subject）")
}

// Principal is who is making a request.
type Principal struct {
	Role      Role
	UserID    int64
	TokenID   int64
	Name      string
	Dept      string // department code for clerk, reviewer, system
	SubjectID int64  // for RoleSubject
	CanUnmask bool   // may see personal identity numbers in clear
	CSRF      string // session's CSRF token (browser sessions only)
}

// Public is the anonymous principal.
var Public = Principal{Role: RolePublic}

// Actor names the principal in audit rows.
func (p Principal) Actor() string {
	switch {
	case p.UserID != 0:
		return "user:" + strconv.FormatInt(p.UserID, 10)
	case p.TokenID != 0:
		return "token:" + strconv.FormatInt(p.TokenID, 10)
	case p.Role == "system-internal":
		return "system"
	}
	return "public"
}

// Is reports whether the principal has one of the roles.
func (p Principal) Is(roles ...Role) bool {
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

// OwnsDept reports whether the principal may act for the department's data:
// the operator for every department, department roles for their own.
func (p Principal) OwnsDept(dept string) bool {
	if p.Role == RoleOperator {
		return true
	}
	return p.Dept != "" && p.Dept == dept && p.Is(RoleClerk, RoleReviewer, RoleSystem)
}

// Internal is the platform itself acting (scheduled work, demo seeding).
var Internal = Principal{Role: "system-internal", Name: "系统"}

// HashPassword hashes with bcrypt; passwords must be 10 to 72 bytes.
func HashPassword(pw string) (string, error) {
	if len(pw) < 10 {
		return "", errs.Field("password", "密码至少 10 个字符")
	}
	if len(pw) > 72 {
		return "", errs.Field("password", "密码最多 72 个字节")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), 11)
	if err != nil {
		return "", errs.Internal(err)
	}
	return string(h), nil
}

// CheckPassword compares in constant time.
func CheckPassword(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// TokenPrefix starts every API token so that leaked ones are recognisable.
const TokenPrefix = "xy_"

// NewToken returns a random token (shown once) and its stored hash.
func NewToken() (token, hash string) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is the stored form of a token or session id.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// RandomString returns n random bytes, URL-safe base64.
func RandomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// VisibleTokenPrefix is what lists show of a token.
func VisibleTokenPrefix(token string) string {
	if len(token) > 10 {
		return token[:10]
	}
	return strings.Repeat("*", len(token))
}
