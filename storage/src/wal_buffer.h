#pragma once
// The VFS of read-write connections: SQLite's default one, except that a write-ahead log's
// writes are gathered in memory and written with one call when SQLite syncs the log
// (docs/architecture.md, "Where a write becomes durable").

namespace lifeline::storage {

// The name to open a connection with; registers the VFS on first use. Thread-safe.
const char* wal_buffer_vfs();

}  // namespace lifeline::storage
