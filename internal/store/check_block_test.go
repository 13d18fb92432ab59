package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	"xinyong/internal/errs"
	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

// checkID makes an id as engine.NewCheckID does.
func checkID(at time.Time, seq int) string {
	return "CK" + "NODE7" + strconv.FormatInt(at.UnixMilli(), 36) + strconv.FormatInt(int64(seq), 36)
}

// Checks without measures go into check_blocks: every one can still be
// found by id with every field, is counted exactly for any period (also
// one that cuts a block), and moving the same logs again adds nothing.
func TestCheckBlocks(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(1, 2))
		// 3,000 checks over about two and a half minutes, two departments,
		// one in ten with measures, one with a digest that is not hex.
		base := time.Date(2026, 11, 23, 9, 59, 10, 0, time.UTC)
		var logs []store.CheckLog
		for i := range 3000 {
			at := base.Add(time.Duration(i) * 50 * time.Millisecond).Add(time.Duration(r.IntN(1000)) * time.Microsecond)
			sum := sha256.Sum256([]byte{byte(i), byte(i >> 8)})
			l := store.CheckLog{ID: checkID(at, i), At: at, Requester: fmt.Sprintf("token:%d", 1+i%3), Dept: []string{"ggzy", "czj"}[i%2],
				Subject: fmt.Sprintf("91110000%010d", r.IntN(1e9)), SubjectID: int64(r.IntN(1e6)), Scenario: []string{"procurement", "licensing"}[i%5/4],
				AsOf: at, Digest: hex.EncodeToString(sum[:]), RulesVersion: int64(i % 4)}
			if i%7 == 0 {
				l.AsOf = at.Add(-90 * 24 * time.Hour)
			}
			if i == 17 {
				l.Digest = "not-hex"
			}
			if i%10 == 3 {
				l.Measures = []string{"P-COURT-011"}
			}
			logs = append(logs, l)
		}
		for _, part := range [][]store.CheckLog{logs[:1700], logs[1700:], logs[:1700]} { // the first part twice
			if err := s.LogChecksBackground(ctx, part); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.CheckLogCount(ctx); err != nil || n != int64(len(logs)) {
			t.Fatalf("count %d, %v; want %d", n, err, len(logs))
		}
		for _, i := range []int{0, 1, 17, 1023, 1024, 1699, 1700, 2999, r.IntN(3000), r.IntN(3000)} {
			want := logs[i]
			got, err := s.CheckLogByID(ctx, want.ID)
			if err != nil {
				t.Fatalf("check %d: %v", i, err)
			}
			if want.Measures == nil {
				want.Measures = []string{}
			}
			want.At, want.AsOf = want.At.Truncate(time.Microsecond).UTC(), want.AsOf.Truncate(time.Microsecond).UTC()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("check %d:\n got %+v\nwant %+v", i, got, want)
			}
		}
		for _, id := range []string{"nope", checkID(base, 99999), "CKNODE7zzzzzzzzz1"} {
			if _, err := s.CheckLogByID(ctx, id); !errs.Is(err, errs.KindNotFound) {
				t.Errorf("unknown check %s: %v", id, err)
			}
		}
		// Periods that cut blocks (mid-minute, mid-block) and one that
		// holds whole minutes.
		for _, p := range [][2]time.Time{
			{base.Add(37*time.Second + 123*time.Microsecond), base.Add(101*time.Second + 7*time.Millisecond)},
			{base.Add(50 * time.Second), base.Add(110 * time.Second)},
			{base.Add(time.Hour), base.Add(2 * time.Hour)},
		} {
			want := map[string]int64{}
			for _, l := range logs {
				if !l.At.Before(p[0]) && l.At.Before(p[1]) && l.Measures == nil {
					want[l.Dept]++
				}
			}
			if got, err := store.BlockCheckCounts(s, p[0], p[1]); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("[%s, %s): blocks counted %v, %v; want %v", p[0].Format(time.RFC3339Nano), p[1].Format(time.RFC3339Nano), got, err, want)
			}
			got := map[string]int64{}
			fig, err := s.FeedbackStats(ctx, p[0], p[0])
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fig {
				got[f.Dept] = f.Checks
			}
			// FeedbackStats counts from p[0] on: compare with an open end.
			wantOpen := map[string]int64{}
			for _, l := range logs {
				if !l.At.Before(p[0]) {
					wantOpen[l.Dept]++
				}
			}
			if !reflect.DeepEqual(got, wantOpen) {
				t.Errorf("from %s: counted %v, want %v", p[0].Format(time.RFC3339Nano), got, wantOpen)
			}
		}
	})
}
