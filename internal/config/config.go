// Package config builds the typed configuration from flags and XINYONG_*
// environment variables, validates it and prints it with secrets masked.
package config

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything a subcommand may need. Zero values are filled by Defaults.
type Config struct {
	Addr           string        // listen address for serve
	DataDir        string        // directory of the embedded store and key files
	DB             string        // DSN; empty means SQLite in DataDir
	Migrate        bool          // apply pending migrations at start
	Demo           bool          // seed demo data into an empty store
	SecretKey      string        // base64 32-byte key for PII encryption; empty = key file in DataDir
	BootstrapToken string        // ensures an operator API token with this value exists
	MaskPattern    string        // "head,tail" characters kept when masking ID numbers
	MaxBodyBytes   int64         // request body limit for JSON
	MaxUploadBytes int64         // request body limit for file uploads
	PublicURL      string        // base URL printed in QR codes and reports
	LogFormat      string        // "json" or "text"; empty = json unless a terminal
	SessionTTL     time.Duration // browser session lifetime
}

// Defaults returns the configuration before flags and environment.
func Defaults() Config {
	return Config{
		Addr:           "127.0.0.1:8080",
		DataDir:        "./data",
		MaskPattern:    "4,4",
		MaxBodyBytes:   8 << 20,
		MaxUploadBytes: 64 << 20,
		SessionTTL:     8 * time.Hour,
	}
}

// Bind registers the flags shared by store-using commands on fs. Flags given
// on the command line win over the environment, which wins over defaults.
func (c *Config) Bind(fs *flag.FlagSet, serve bool) {
	fs.StringVar(&c.DataDir, "data", env("XINYONG_DATA", c.DataDir), "embedded store directory (env XINYONG_DATA)")
	fs.StringVar(&c.DB, "db", env("XINYONG_DB", c.DB), "database DSN, e.g. postgres://user@host/db; empty = SQLite in --data (env XINYONG_DB)")
	if serve {
		fs.StringVar(&c.Addr, "addr", env("XINYONG_ADDR", c.Addr), "listen address (env XINYONG_ADDR)")
		fs.BoolVar(&c.Migrate, "migrate", envBool("XINYONG_MIGRATE", c.Migrate), "apply pending schema migrations at start (env XINYONG_MIGRATE)")
		fs.BoolVar(&c.Demo, "demo", envBool("XINYONG_DEMO", c.Demo), "seed demo data into an empty store (env XINYONG_DEMO)")
		fs.StringVar(&c.PublicURL, "public-url", env("XINYONG_PUBLIC_URL", c.PublicURL), "public base URL used in QR codes and reports (env XINYONG_PUBLIC_URL)")
	}
	c.SecretKey = env("XINYONG_SECRET_KEY", c.SecretKey)
	c.BootstrapToken = env("XINYONG_BOOTSTRAP_TOKEN", c.BootstrapToken)
	c.MaskPattern = env("XINYONG_MASK", c.MaskPattern)
	c.LogFormat = env("XINYONG_LOG_FORMAT", c.LogFormat)
	if v := os.Getenv("XINYONG_MAX_BODY"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			c.MaxBodyBytes = n
		} else {
			c.MaxBodyBytes = -1 // refused by Validate
		}
	}
	if v := os.Getenv("XINYONG_MAX_UPLOAD"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			c.MaxUploadBytes = n
		} else {
			c.MaxUploadBytes = -1
		}
	}
}

// Validate reports every problem at once, in Chinese and English, so an
// operator can fix the configuration in one go.
func (c *Config) Validate() error {
	var errs []string
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			errs = append(errs, fmt.Sprintf("--addr %q 不是有效的监听地址 (host:port): %v", c.Addr, err))
		}
	}
	if c.DB != "" && !IsPostgres(c.DB) && !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "file:") {
		errs = append(errs, fmt.Sprintf("--db 仅支持 postgres:// 或 sqlite: 开头的连接串，收到 %q", MaskDSN(c.DB)))
	}
	if c.DB == "" && c.DataDir == "" {
		errs = append(errs, "--data 不能为空")
	}
	if c.SecretKey != "" {
		if k, err := base64.StdEncoding.DecodeString(c.SecretKey); err != nil || len(k) != 32 {
			errs = append(errs, "XINYONG_SECRET_KEY 必须是 32 字节密钥的 base64 编码")
		}
	}
	if c.BootstrapToken != "" && len(c.BootstrapToken) < 24 {
		errs = append(errs, "XINYONG_BOOTSTRAP_TOKEN 至少需要 24 个字符")
	}
	if !validMask(c.MaskPattern) {
		errs = append(errs, fmt.Sprintf("XINYONG_MASK %q 应为 \"前保留位数,后保留位数\"，如 4,4", c.MaskPattern))
	}
	if c.MaxBodyBytes <= 0 {
		errs = append(errs, "XINYONG_MAX_BODY 必须是正整数（字节）")
	}
	if c.MaxUploadBytes <= 0 {
		errs = append(errs, "XINYONG_MAX_UPLOAD 必须是正整数（字节）")
	}
	if c.LogFormat != "" && c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, "XINYONG_LOG_FORMAT 只能是 json 或 text")
	}
	if len(errs) > 0 {
		return errors.New("配置有误 (invalid configuration):\n  - " + strings.Join(errs, "\n  - "))
	}
	return nil
}

// SQLitePath is the database file used when no DSN is given.
func (c *Config) SQLitePath() string {
	if strings.HasPrefix(c.DB, "sqlite:") {
		return strings.TrimPrefix(c.DB, "sqlite:")
	}
	if strings.HasPrefix(c.DB, "file:") {
		return strings.TrimPrefix(c.DB, "file:")
	}
	return filepath.Join(c.DataDir, "xinyong.db")
}

// Dump writes the effective configuration with secrets masked.
func (c *Config) Dump(w io.Writer) {
	db := c.DB
	if db == "" {
		db = "sqlite:" + c.SQLitePath()
	}
	secret := "(key file in --data)"
	if c.SecretKey != "" {
		secret = "****"
	}
	boot := "(none)"
	if c.BootstrapToken != "" {
		boot = c.BootstrapToken[:4] + "****"
	}
	fmt.Fprintf(w, "xinyong configuration:\n")
	fmt.Fprintf(w, "  addr           %s\n", c.Addr)
	fmt.Fprintf(w, "  data           %s\n", c.DataDir)
	fmt.Fprintf(w, "  db             %s\n", MaskDSN(db))
	fmt.Fprintf(w, "  migrate        %v\n", c.Migrate)
	fmt.Fprintf(w, "  demo           %v\n", c.Demo)
	fmt.Fprintf(w, "  secret key     %s\n", secret)
	fmt.Fprintf(w, "  bootstrap      %s\n", boot)
	fmt.Fprintf(w, "  mask           %s\n", c.MaskPattern)
	fmt.Fprintf(w, "  max body       %d\n", c.MaxBodyBytes)
	fmt.Fprintf(w, "  max upload     %d\n", c.MaxUploadBytes)
	fmt.Fprintf(w, "  public url     %s\n", c.BaseURL())
}

// BaseURL is PublicURL or one derived from Addr.
func (c *Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "http://" + c.Addr
}

// IsPostgres reports whether dsn selects PostgreSQL.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// MaskDSN hides the password of a DSN.
func MaskDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return dsn[:scheme+3] + userinfo[:i] + ":****" + dsn[at:]
	}
	return dsn
}

func validMask(p string) bool {
	a, b, ok := strings.Cut(p, ",")
	if !ok {
		return false
	}
	x, err1 := strconv.Atoi(strings.TrimSpace(a))
	y, err2 := strconv.Atoi(strings.TrimSpace(b))
	return err1 == nil && err2 == nil && x >= 0 && y >= 0 && x+y <= 9
}

// MaskHeadTail returns the parsed mask pattern (validated earlier).
func (c *Config) MaskHeadTail() (int, int) {
	a, b, _ := strings.Cut(c.MaskPattern, ",")
	x, _ := strconv.Atoi(strings.TrimSpace(a))
	y, _ := strconv.Atoi(strings.TrimSpace(b))
	return x, y
}

func env(k, def string) string {
	if v, ok := os.LookupEnv(k); ok {
		return v
	}
	return def
}

func envBool(k string, def bool) bool {
	v, ok := os.LookupEnv(k)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def
	}
	return b
}
