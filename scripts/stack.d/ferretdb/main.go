// Command liaison-ferretdb runs an embedded FerretDB v1 (MongoDB wire protocol)
// backed by SQLite, for Liaison's local development stack (scripts/stack).
//
// It embeds the github.com/FerretDB/FerretDB/ferretdb package instead of
// building FerretDB's own cmd, which needs generated version files.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP listen address")
	dataDir := flag.String("data-dir", "", "directory for SQLite databases (required)")
	logLevel := flag.String("log-level", "info", "log level: debug, info, warn, error")
	check := flag.Bool("check", false, "only check that a server answers a MongoDB ping at -listen-addr, then exit")
	flag.Parse()

	if *check {
		if err := ping(*listen, 3*time.Second); err != nil {
			fmt.Fprintln(os.Stderr, "ping failed:", err)
			os.Exit(1)
		}
		fmt.Println("ok")
		return
	}

	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintln(os.Stderr, "bad -log-level:", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
	slog.SetDefault(logger)

	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "-data-dir is required")
		os.Exit(2)
	}
	abs, err := filepath.Abs(*dataDir)
	if err != nil {
		logger.Error("bad data dir", "err", err)
		os.Exit(1)
	}
	if err = os.MkdirAll(abs, 0o755); err != nil {
		logger.Error("cannot create data dir", "err", err)
		os.Exit(1)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
	})
	if err != nil {
		logger.Error("cannot start FerretDB", "err", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()

	// Announce readiness once the listener answers a ping.
	go func() {
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) && ctx.Err() == nil {
			if ping(*listen, time.Second) == nil {
				logger.Info("liaison-ferretdb ready", "addr", *listen, "data", abs, "uri", f.MongoDBURI())
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()

	<-done
	logger.Info("liaison-ferretdb stopped")
}
