package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDemo runs `revue demo` as README's first command does and uses it as
// a visitor would, reaching it as localhost (not the address it listens
// on): the pages show the bundled outlets, every picture is drawn on this
// machine (the demo reaches no publisher), and three readers reporting one
// picture block it.
func TestDemo(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	ta := newTestApp(t)
	delete(ta.env, "REVUE_SHORT_TEXT") // the demo reads its small publisher's pages
	delete(ta.env, "REVUE_DATABASE")   // a database of its own, with an administrator
	var out syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- ta.app(&out, io.Discard).run(ctx, []string{"demo", "--listen", fmt.Sprintf("127.0.0.1:%d", port)})
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("revue demo exited %d:\n%s", code, out.String())
		}
	}()
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(out.String(), "demo: open ") {
		if time.Now().After(deadline) {
			t.Fatalf("the demo did not open its portal within 2 minutes:\n%s", out.String())
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("revue demo stopped (exit %d):\n%s", code, out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if m := regexp.MustCompile(`(\d+) articles stored \((\d+) feeds failed\), (\d+) full texts`).FindStringSubmatch(out.String()); m == nil || m[2] != "0" || m[1] == "0" || m[3] == "0" {
		t.Errorf("the demo's summary: %q", out.String())
	}
	base := fmt.Sprintf("http://localhost:%d", port)

	home := get(t, base+"/")
	for _, want := range []string{"Hespress", `dir="rtl"`, `class="ticker`} {
		if !strings.Contains(home, want) {
			t.Errorf("the demo's home page lacks %q", want)
		}
	}
	var page struct {
		Items []struct {
			ID     int64  `json:"id"`
			Title  string `json:"title"`
			Images []struct {
				ID       int64  `json:"id"`
				ProxyURL string `json:"proxy_url"`
				Status   string `json:"status"`
			} `json:"images"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(get(t, base+"/api/v1/articles?limit=100")), &page); err != nil {
		t.Fatal(err)
	}
	var articleID, imageID int64
	pictures := map[string]bool{}
	for _, a := range page.Items {
		for _, img := range a.Images {
			resp, err := http.Get(fmt.Sprintf("%s/images/%d", base, img.ID))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || len(body) < 1000 {
				t.Errorf("picture %d: %d %s, %d bytes; want a drawn PNG", img.ID, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
			}
			pictures[string(body)] = true
			if imageID == 0 {
				articleID, imageID = a.ID, img.ID
			}
		}
	}
	if len(pictures) < 10 {
		t.Fatalf("%d distinct pictures among the demo's newest 100 articles, want at least 10", len(pictures))
	}

	articlePage := fmt.Sprintf("%s/articles/%d", base, articleID)
	report := func(client string) string {
		t.Helper()
		dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(client)}}
		c := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/images/%d/report", base, imageID),
			strings.NewReader(url.Values{"reason": {"shocking"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Origin", base)
		req.Header.Set("Referer", articlePage)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var answer struct{ Status, Message, Error string }
		if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || resp.StatusCode != 200 {
			t.Fatalf("report from %s: %d %+v %v", client, resp.StatusCode, answer, err)
		}
		if !strings.HasPrefix(answer.Message, "Merci d'avoir signalé!") {
			t.Errorf("report from %s answered %q", client, answer.Message)
		}
		return answer.Status
	}
	for i, client := range []string{"127.0.0.1", "127.0.0.2", "127.0.0.1", "127.0.0.3"} {
		want := "ok"
		if i == 3 {
			want = "blocked"
		}
		if got := report(client); got != want {
			t.Errorf("after report %d (from %s) the picture is %q, want %q", i+1, client, got, want)
		}
	}
	resp, err := http.Get(fmt.Sprintf("%s/images/%d", base, imageID))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Errorf("the blocked picture: %d, want 410", resp.StatusCode)
	}

	// The administrator the demo printed signs in and finds the picture
	// in the moderation queue.
	m := regexp.MustCompile(`demo: admin area at \S+/admin/ — name (\S+), password (\S+) `).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("the demo printed no administrator:\n%s", out.String())
	}
	jar, _ := cookiejar.New(nil)
	admin := &http.Client{Jar: jar}
	resp, err = admin.Get(base + "/admin/login")
	if err != nil {
		t.Fatal(err)
	}
	loginPage, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(loginPage)
	if csrf == nil {
		t.Fatalf("the login page has no CSRF token:\n%s", loginPage)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/admin/login",
		strings.NewReader(url.Values{"name": {m[1]}, "password": {m[2]}, "csrf": {string(csrf[1])}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err = admin.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	dashboard, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(dashboard), "Tableau de bord") {
		t.Fatalf("signing in as the demo's administrator: %d\n%s", resp.StatusCode, dashboard)
	}
	resp, err = admin.Get(base + "/admin/moderation?filter=blocked")
	if err != nil {
		t.Fatal(err)
	}
	queue, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(queue), fmt.Sprintf(`data-image="%d"`, imageID)) {
		t.Errorf("the blocked picture %d is not in the moderation queue:\n%s", imageID, queue)
	}
}
