package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/auth"
	"xinyong/internal/errs"
)

// Department is a member unit of the platform.
type Department struct {
	Code           string    `json:"code"`
	Name           string    `json:"name"`
	USCC           string    `json:"uscc,omitempty"`
	Region         string    `json:"region,omitempty"`
	ReviewRequired bool      `json:"review_required"`
	CreatedAt      time.Time `json:"created_at"`
}

// UpsertDepartment creates or renames a department.
func (s *Store) UpsertDepartment(ctx context.Context, d Department, actor string) error {
	if strings.TrimSpace(d.Code) == "" || strings.TrimSpace(d.Name) == "" {
		return errs.Invalid("department.invalid", "部门信息有误", errs.FieldError{Field: "code", Reason: "部门代码和名称不能为空"})
	}
	return s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO departments (code, name, uscc, region, review_required, created_at) VALUES (?,?,?,?,?,?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, uscc = excluded.uscc, region = excluded.region, review_required = excluded.review_required`,
			d.Code, d.Name, nullStr(d.USCC), d.Region, d.ReviewRequired, micros(tx.s.Now()))
		if err != nil {
			return fmt.Errorf("upsert department: %w", err)
		}
		return tx.Audit(audit.Event{Actor: actor, Action: "department.upsert", Object: "department:" + d.Code, After: d})
	})
}

// Departments lists every department by code.
func (s *Store) Departments(ctx context.Context) ([]Department, error) {
	rows, err := s.query(ctx, `SELECT code, name, COALESCE(uscc,''), region, review_required, created_at FROM departments ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		var d Department
		var at int64
		if err := rows.Scan(&d.Code, &d.Name, &d.USCC, &d.Region, &d.ReviewRequired, &at); err != nil {
			return nil, err
		}
		d.CreatedAt = fromMicros(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// Department returns one department.
func (s *Store) Department(ctx context.Context, code string) (Department, error) {
	var d Department
	var at int64
	err := s.queryRow(ctx, `SELECT code, name, COALESCE(uscc,''), region, review_required, created_at FROM departments WHERE code = ?`, code).
		Scan(&d.Code, &d.Name, &d.USCC, &d.Region, &d.ReviewRequired, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return d, errs.NotFound("department.not_found", "未找到部门："+code)
	}
	d.CreatedAt = fromMicros(at)
	return d, err
}

// User is a person who signs in to the console.
type User struct {
	ID          int64     `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Role        auth.Role `json:"role"`
	Dept        string    `json:"dept,omitempty"`
	SubjectID   int64     `json:"-"`
	CanUnmask   bool      `json:"can_unmask"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
	hash        string
}

// CreateUser stores a user with an already hashed password.
func (s *Store) CreateUser(ctx context.Context, u User, passwordHash, actor string) (User, error) {
	if err := validateRoleDept(u.Role, u.Dept); err != nil {
		return u, err
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM users WHERE username = ?`, u.Username).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.Conflict("user.exists", "用户名已存在："+u.Username)
		}
		id, err := tx.insertID(`INSERT INTO users (username, display_name, password_hash, role, dept_code, subject_id, can_unmask, disabled, created_at) VALUES (?,?,?,?,?,?,?,?,?)`,
			u.Username, u.DisplayName, passwordHash, string(u.Role), nullStr(u.Dept), nullID(u.SubjectID), u.CanUnmask, false, micros(tx.s.Now()))
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		u.ID = id
		return tx.Audit(audit.Event{Actor: actor, Action: "user.create", Object: fmt.Sprintf("user:%d", id), After: map[string]any{"username": u.Username, "role": u.Role, "dept": u.Dept}})
	})
	return u, err
}

func validateRoleDept(r auth.Role, dept string) error {
	needDept := r == auth.RoleClerk || r == auth.RoleReviewer || r == auth.RoleSystem
	if needDept && dept == "" {
		return errs.Invalid("account.dept", "账号信息有误", errs.FieldError{Field: "dept", Reason: r.Label() + "必须属于一个部门"})
	}
	if r == auth.RolePublic {
		return errs.Invalid("account.role", "账号信息有误", errs.FieldError{Field: "role", Reason: "社会公众无需账号"})
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const userCols = `id, username, display_name, password_hash, role, COALESCE(dept_code,''), COALESCE(subject_id,0), can_unmask, disabled, created_at`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var role string
	var at int64
	err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.hash, &role, &u.Dept, &u.SubjectID, &u.CanUnmask, &u.Disabled, &at)
	u.Role, u.CreatedAt = auth.Role(role), fromMicros(at)
	return u, err
}

// Users lists users, optionally of one department.
func (s *Store) Users(ctx context.Context, dept string) ([]User, error) {
	rows, err := s.query(ctx, `SELECT `+userCols+` FROM users WHERE (? = '' OR dept_code = ?) ORDER BY id`, dept, dept)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Authenticate checks a username and password.
func (s *Store) Authenticate(ctx context.Context, username, password string) (User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE username = ?`, username))
	if err != nil || u.Disabled || !auth.CheckPassword(u.hash, password) {
		if err == nil || errors.Is(err, sql.ErrNoRows) {
			return User{}, errs.Unauthenticated("auth.bad_credentials", "用户名或密码错误")
		}
		return User{}, err
	}
	return u, nil
}

// CreateSession starts a browser session and returns its secret id.
func (s *Store) CreateSession(ctx context.Context, u User, ttl time.Duration) (id, csrf string, err error) {
	id, csrf = auth.RandomString(32), auth.RandomString(24)
	now := s.Now()
	err = s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`DELETE FROM sessions WHERE expires_at < ?`, micros(now)); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?,?,?,?,?)`,
			auth.HashToken(id), u.ID, csrf, micros(now), micros(now.Add(ttl))); err != nil {
			return err
		}
		return tx.Audit(audit.Event{Actor: fmt.Sprintf("user:%d", u.ID), Action: "session.login", Object: fmt.Sprintf("user:%d", u.ID)})
	})
	return id, csrf, err
}

// Session resolves a session id to its principal.
func (s *Store) Session(ctx context.Context, id string) (auth.Principal, error) {
	var csrf string
	var exp int64
	u, err := scanUser(rowWith{s.queryRow(ctx, `SELECT `+prefixed("u.", userCols)+`, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, auth.HashToken(id)), []any{&csrf, &exp}})
	if err != nil || u.Disabled || fromMicros(exp).Before(s.Now()) {
		return auth.Public, errs.Unauthenticated("auth.session", "登录已过期，请重新登录")
	}
	return auth.Principal{Role: u.Role, UserID: u.ID, Name: u.DisplayName, Dept: u.Dept, SubjectID: u.SubjectID, CanUnmask: u.CanUnmask, CSRF: csrf}, nil
}

// DeleteSession signs out.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM sessions WHERE token_hash = ?`, auth.HashToken(id))
		return err
	})
}

// Token is an API token as listed (never with its secret).
type Token struct {
	ID        int64     `json:"id"`
	Prefix    string    `json:"prefix"`
	Name      string    `json:"name"`
	Role      auth.Role `json:"role"`
	Dept      string    `json:"dept,omitempty"`
	CanUnmask bool      `json:"can_unmask"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// CreateToken stores a new token; the secret is returned once and only its
// hash is kept. A given secret (bootstrap) is used instead of a random one.
func (s *Store) CreateToken(ctx context.Context, t Token, secret, actor string) (Token, string, error) {
	if err := validateRoleDept(t.Role, t.Dept); err != nil {
		return t, "", err
	}
	if t.Role == auth.RoleSubject {
		return t, "", errs.Invalid("token.role", "令牌信息有误", errs.FieldError{Field: "role", Reason: "信用主体请使用账号登录"})
	}
	if t.Dept != "" {
		if _, err := s.Department(ctx, t.Dept); err != nil {
			return t, "", errs.Invalid("token.dept", "令牌信息有误", errs.FieldError{Field: "dept", Reason: "未知部门：" + t.Dept})
		}
	}
	hash := ""
	if secret == "" {
		secret, hash = auth.NewToken()
	} else {
		hash = auth.HashToken(secret)
	}
	if strings.TrimSpace(t.Name) == "" {
		return t, "", errs.Invalid("token.name", "令牌信息有误", errs.FieldError{Field: "name", Reason: "名称不能为空"})
	}
	now := s.Now()
	if t.ExpiresAt.IsZero() {
		t.ExpiresAt = now.AddDate(1, 0, 0)
	}
	if !t.ExpiresAt.After(now) {
		return t, "", errs.Invalid("token.expires", "令牌信息有误", errs.FieldError{Field: "expires_at", Reason: "过期时间必须晚于现在"})
	}
	t.Prefix, t.CreatedBy, t.CreatedAt = auth.VisibleTokenPrefix(secret), actor, now
	err := s.InTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(`INSERT INTO api_tokens (token_hash, prefix, name, role, dept_code, can_unmask, created_by, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?)`,
			hash, t.Prefix, t.Name, string(t.Role), nullStr(t.Dept), t.CanUnmask, actor, micros(now), micros(t.ExpiresAt))
		if err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		t.ID = id
		return tx.Audit(audit.Event{Actor: actor, Action: "token.create", Object: fmt.Sprintf("token:%d", id), After: map[string]any{"name": t.Name, "role": t.Role, "dept": t.Dept, "expires_at": t.ExpiresAt}})
	})
	return t, secret, err
}

// TokenExists reports whether a token with this secret is stored (any state).
func (s *Store) TokenExists(ctx context.Context, secret string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?`, auth.HashToken(secret)).Scan(&n)
	return n > 0, err
}

// TokenPrincipal resolves a bearer token; expired and revoked ones fail.
// Valid tokens are cached on this node (revocation on this node drops them
// at once; other nodes notice within about tokenCacheTTL). An entry older
// than tokenCacheTTL is still answered from the cache while one background
// look-up revalidates it: the check, which every request of an approval
// system passes through, must not wait on the database every 30 s (all of
// a system's connections missed the cache at the same moment and queued
// for the store). Only an entry older than twice the TTL — the store did
// not answer the revalidation — is looked up before answering.
func (s *Store) TokenPrincipal(ctx context.Context, secret string) (auth.Principal, error) {
	// The cache is keyed by the raw SHA-256 of the token (the stored hash
	// is its hex form): no hex encoding on the hot path.
	key := sha256.Sum256([]byte(secret))
	now := s.Now()
	if v, ok := s.tokens.Load(key); ok {
		c := v.(*tokenCacheEntry)
		if now.Before(c.expires) {
			if now.Before(c.until) {
				return c.p, nil
			}
			if now.Before(c.until.Add(tokenCacheTTL)) {
				if c.revalidating.CompareAndSwap(false, true) {
					go s.revalidateToken(key, c)
				}
				return c.p, nil
			}
		}
		s.tokens.CompareAndDelete(key, v)
	}
	return s.lookupToken(ctx, key)
}

// lookupToken reads the token with hash key from the store and caches it
// when valid.
func (s *Store) lookupToken(ctx context.Context, key [sha256.Size]byte) (auth.Principal, error) {
	now := s.Now()
	hash := hex.EncodeToString(key[:]) // auth.HashToken(secret)
	var p auth.Principal
	var role string
	var exp int64
	var revoked sql.NullInt64
	err := s.queryRow(ctx, `SELECT id, name, role, COALESCE(dept_code,''), can_unmask, expires_at, revoked_at FROM api_tokens WHERE token_hash = ?`, hash).
		Scan(&p.TokenID, &p.Name, &role, &p.Dept, &p.CanUnmask, &exp, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return auth.Public, errs.Unauthenticated("auth.token", "API 令牌无效")
	}
	if err != nil {
		return auth.Public, fmt.Errorf("token look-up: %w", err)
	}
	if revoked.Valid {
		return auth.Public, errs.Unauthenticated("auth.token_revoked", "API 令牌已被吊销")
	}
	if fromMicros(exp).Before(now) {
		return auth.Public, errs.Unauthenticated("auth.token_expired", "API 令牌已过期")
	}
	p.Role = auth.Role(role)
	s.tokens.Store(key, &tokenCacheEntry{p: p, until: now.Add(tokenCacheTTL), expires: fromMicros(exp)})
	return p, nil
}

// revalidateToken refreshes the stale cache entry c of key: replaced when
// the token is still valid, dropped when it no longer is, kept (to be
// tried again by the next request) when the store did not answer.
func (s *Store) revalidateToken(key [sha256.Size]byte, c *tokenCacheEntry) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := s.lookupToken(ctx, key)
	var e *errs.Error
	if errors.As(err, &e) {
		s.tokens.CompareAndDelete(key, c) // invalid, revoked or expired now
	}
	c.revalidating.Store(false)
}

const tokenCacheTTL = 30 * time.Second

type tokenCacheEntry struct {
	p            auth.Principal
	until        time.Time
	expires      time.Time
	revalidating atomic.Bool
}

// forgetToken drops a token from this node's cache.
func (s *Store) forgetToken(id int64) {
	s.tokens.Range(func(k, v any) bool {
		if v.(*tokenCacheEntry).p.TokenID == id {
			s.tokens.Delete(k)
		}
		return true
	})
}

// Tokens lists tokens, optionally of one department.
func (s *Store) Tokens(ctx context.Context, dept string) ([]Token, error) {
	rows, err := s.query(ctx, `SELECT id, prefix, name, role, COALESCE(dept_code,''), can_unmask, created_by, created_at, expires_at, revoked_at FROM api_tokens WHERE (? = '' OR dept_code = ?) ORDER BY id`, dept, dept)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var role string
		var c, e int64
		var r sql.NullInt64
		if err := rows.Scan(&t.ID, &t.Prefix, &t.Name, &role, &t.Dept, &t.CanUnmask, &t.CreatedBy, &c, &e, &r); err != nil {
			return nil, err
		}
		t.Role, t.CreatedAt, t.ExpiresAt, t.RevokedAt = auth.Role(role), fromMicros(c), fromMicros(e), fromNullMicros(r)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a token at once.
func (s *Store) RevokeToken(ctx context.Context, id int64, actor string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, micros(tx.s.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("token.not_found", fmt.Sprintf("未找到有效的令牌 %d", id))
		}
		tx.AfterCommit(func() { s.forgetToken(id) })
		return tx.Audit(audit.Event{Actor: actor, Action: "token.revoke", Object: fmt.Sprintf("token:%d", id)})
	})
}

// scanFunc lets a *sql.Row scan into extra destinations after the user columns.
type scanFunc interface{ Scan(...any) error }

type rowWith struct {
	row   scanFunc
	extra []any
}

func (r rowWith) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra...)...) }
