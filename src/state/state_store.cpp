#include <harvest/state/state_store.hpp>

#include <sqlite3.h>

#include <cstring>

#include <functional>

namespace harvest::state {
namespace {

// "HRVS": marks the file as ours, so another program's database is refused, not altered.
constexpr int application_id = 0x48525653;
constexpr int schema_version = 3; // 2: targets.incomplete; 3: runs.format, runs.record_schema

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS runs(
  run INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  mode TEXT NOT NULL,
  selection TEXT NOT NULL,
  command_line TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  finish_reason TEXT,
  records INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  format TEXT NOT NULL DEFAULT '',
  record_schema INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS targets(
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('pending', 'done', 'failed')),
  permanent INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER NOT NULL DEFAULT 0,
  url TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  etag TEXT NOT NULL DEFAULT '',
  last_serial INTEGER,
  content_hash TEXT NOT NULL DEFAULT '',
  shard TEXT NOT NULL DEFAULT '',
  incomplete INTEGER NOT NULL DEFAULT 0,
  run INTEGER,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  PRIMARY KEY(source, id));
CREATE TABLE IF NOT EXISTS shards(
  name TEXT PRIMARY KEY,
  split TEXT NOT NULL,
  run INTEGER NOT NULL,
  complete INTEGER NOT NULL DEFAULT 0,
  temp TEXT NOT NULL DEFAULT '',
  records INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  sha256 TEXT NOT NULL DEFAULT '');
)sql";

const char* status_name(target_status s) {
    switch (s) {
    case target_status::pending: return "pending";
    case target_status::done: return "done";
    case target_status::failed: return "failed";
    }
    return "pending";
}

target_status status_from(std::string_view s) {
    if (s == "done") return target_status::done;
    if (s == "failed") return target_status::failed;
    return target_status::pending;
}

// A prepared statement, finalized on scope exit; bind and column helpers by index.
class statement {
public:
    statement(sqlite3* db, const char* sql, const std::string& file) : db_(db), file_(file) {
        if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail();
    }
    ~statement() { sqlite3_finalize(stmt_); }
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;

    statement& bind(int i, std::string_view v) {
        sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    statement& bind(int i, std::int64_t v) {
        sqlite3_bind_int64(stmt_, i, v);
        return *this;
    }
    statement& bind(int i, std::optional<std::uint64_t> v) {
        if (v) sqlite3_bind_int64(stmt_, i, static_cast<std::int64_t>(*v));
        else sqlite3_bind_null(stmt_, i);
        return *this;
    }
    // True while there is a row.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) fail();
        return false;
    }
    void run_once() {
        step();
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
    std::string text(int i) const {
        const auto* p = sqlite3_column_text(stmt_, i);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
    }
    std::int64_t integer(int i) const { return sqlite3_column_int64(stmt_, i); }
    bool is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

private:
    // SQLite's "disk I/O error" says little; the system's reason (disk full, file too large) says what to fix.
    [[noreturn]] void fail() const {
        std::string why = sqlite3_errmsg(db_);
        if (const int e = sqlite3_system_errno(db_); e != 0) why += std::string(" (") + std::strerror(e) + ")";
        throw std::runtime_error("state " + file_ + ": " + why);
    }
    sqlite3* db_;
    std::string file_;
    sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when an exception leaves the scope.
class transaction {
public:
    explicit transaction(const std::function<void(const char*)>& exec) : exec_(exec) { exec_("BEGIN IMMEDIATE"); }
    ~transaction() {
        if (!committed_) rollback();
    }
    void commit() {
        exec_("COMMIT");
        committed_ = true;
    }

private:
    void rollback() noexcept {
        try {
            exec_("ROLLBACK");
        } catch (...) {
        }
    }
    std::function<void(const char*)> exec_;
    bool committed_ = false;
};

} // namespace

state_store::state_store(const std::filesystem::path& path) : path_(path) {
    const auto file = path_.string();
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw state_error(file, "cannot open (" + why + ")");
    }
    sqlite3_busy_timeout(db_, 5000);
    try {
        std::int64_t app = 0, version = 0, tables = 0;
        {
            statement s(db_, "PRAGMA application_id", file);
            if (s.step()) app = s.integer(0);
        }
        {
            statement s(db_, "PRAGMA user_version", file);
            if (s.step()) version = s.integer(0);
        }
        {
            statement s(db_, "SELECT count(*) FROM sqlite_master", file);
            if (s.step()) tables = s.integer(0);
        }
        if (tables > 0 && app != application_id)
            throw state_error(file, "a database, but not a harvest state file (expected one written by harvest collect)");
        if (version > schema_version)
            throw state_error(file, "written by a newer harvest (schema " + std::to_string(version) + ", this one reads " +
                              std::to_string(schema_version) + ")");
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=FULL"); // a committed batch survives power loss, as its shard bytes do
        exec("PRAGMA foreign_keys=ON");
        if (tables == 0) {
            exec(("PRAGMA application_id=" + std::to_string(application_id)).c_str());
            exec(("PRAGMA user_version=" + std::to_string(schema_version)).c_str());
        } else {
            // Schema 1 had no incomplete records: every done target was complete.
            if (version < 2)
                exec("BEGIN IMMEDIATE; ALTER TABLE targets ADD COLUMN incomplete INTEGER NOT NULL DEFAULT 0; PRAGMA user_version=2; COMMIT;");
            // Schema 2 kept no format: runs before it say '' (unknown) and are not compared.
            if (version < 3)
                exec("BEGIN IMMEDIATE; ALTER TABLE runs ADD COLUMN format TEXT NOT NULL DEFAULT '';"
                     " ALTER TABLE runs ADD COLUMN record_schema INTEGER NOT NULL DEFAULT 0; PRAGMA user_version=3; COMMIT;");
        }
        exec(schema);
    } catch (const state_error&) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    } catch (const std::runtime_error& e) {
        // "file is not a database" is bad input (exit 2); a full disk or an I/O error is not (exit 1).
        const int code = sqlite3_errcode(db_) & 0xff;
        sqlite3_close(db_);
        db_ = nullptr;
        if (code != SQLITE_NOTADB && code != SQLITE_CORRUPT) throw;
        const std::string what = e.what();
        throw state_error(file, "not a harvest state file, or corrupt (" + what.substr(what.rfind(": ") + 2) + ")");
    }
}

state_store::~state_store() { sqlite3_close(db_); }

void state_store::exec(const char* sql) const {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        const std::string why = message ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        throw std::runtime_error("state " + path_.string() + ": " + why);
    }
}

std::vector<stored_run> state_store::runs() const {
    statement s(db_, "SELECT run, mode, selection, started_at, coalesce(finished_at, ''), coalesce(finish_reason, ''),"
                     " records, unchanged, failures FROM runs ORDER BY run", path_.string());
    std::vector<stored_run> out;
    while (s.step())
        out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), static_cast<std::uint64_t>(s.integer(6)),
                       static_cast<std::uint64_t>(s.integer(7)), static_cast<std::uint64_t>(s.integer(8))});
    return out;
}

std::optional<std::string> state_store::source() const {
    statement s(db_, "SELECT source FROM runs ORDER BY run DESC LIMIT 1", path_.string());
    if (s.step()) return s.text(0);
    return std::nullopt;
}

std::int64_t state_store::begin_run(const std::string& source, const std::string& mode, const std::string& selection,
                                    const std::string& command_line, const std::string& started_at, const dataset_shape& shape) {
    statement s(db_, "INSERT INTO runs(source, mode, selection, command_line, started_at, format, record_schema) VALUES(?, ?, ?, ?, ?, ?, ?)",
                path_.string());
    s.bind(1, source).bind(2, mode).bind(3, selection).bind(4, command_line).bind(5, started_at).bind(6, shape.format)
        .bind(7, static_cast<std::int64_t>(shape.record_schema)).run_once();
    return sqlite3_last_insert_rowid(db_);
}

std::optional<dataset_shape> state_store::shape() const {
    statement s(db_, "SELECT format, record_schema FROM runs WHERE format != '' ORDER BY run DESC LIMIT 1", path_.string());
    if (s.step()) return dataset_shape{s.text(0), static_cast<int>(s.integer(1))};
    return std::nullopt;
}

void state_store::finish_run(std::int64_t run, const std::string& finished_at, const std::string& reason, std::uint64_t records,
                             std::uint64_t unchanged, std::uint64_t failures) {
    statement s(db_, "UPDATE runs SET finished_at = ?, finish_reason = ?, records = ?, unchanged = ?, failures = ? WHERE run = ?",
                path_.string());
    s.bind(1, finished_at).bind(2, reason).bind(3, static_cast<std::int64_t>(records)).bind(4, static_cast<std::int64_t>(unchanged))
        .bind(5, static_cast<std::int64_t>(failures)).bind(6, run).run_once();
}

std::unordered_map<std::string, target_state> state_store::targets(const std::string& source) const {
    statement s(db_, "SELECT id, status, permanent, attempts, last_status, etag, last_serial, content_hash, shard, incomplete"
                     " FROM targets WHERE source = ?", path_.string());
    s.bind(1, source);
    std::unordered_map<std::string, target_state> out;
    while (s.step()) {
        target_state t;
        t.status = status_from(s.text(1));
        t.permanent = s.integer(2) != 0;
        t.attempts = static_cast<int>(s.integer(3));
        t.last_status = static_cast<unsigned>(s.integer(4));
        t.etag = s.text(5);
        if (!s.is_null(6)) t.last_serial = static_cast<std::uint64_t>(s.integer(6));
        t.content_hash = s.text(7);
        t.shard = s.text(8);
        t.incomplete = s.integer(9) != 0;
        out.emplace(s.text(0), std::move(t));
    }
    return out;
}

std::vector<stored_failure> state_store::failures(const std::string& source) const {
    statement s(db_, "SELECT id, url, reason, last_status, attempts FROM targets WHERE source = ? AND status = 'failed' ORDER BY id",
                path_.string());
    s.bind(1, source);
    std::vector<stored_failure> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), static_cast<unsigned>(s.integer(3)), static_cast<int>(s.integer(4))});
    return out;
}

std::vector<std::string> state_store::incomplete_reasons(const std::string& source) const {
    statement s(db_, "SELECT reason FROM targets WHERE source = ? AND status = 'done' AND incomplete = 1", path_.string());
    s.bind(1, source);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
}

std::vector<stored_shard> state_store::shards() const {
    statement s(db_, "SELECT name, split, run, complete, temp, records, bytes, sha256 FROM shards ORDER BY run, name", path_.string());
    std::vector<stored_shard> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.integer(2), s.integer(3) != 0, s.text(4), static_cast<std::uint64_t>(s.integer(5)),
                       static_cast<std::uint64_t>(s.integer(6)), s.text(7)});
    return out;
}

void state_store::commit_batch(std::int64_t run, const std::string& source, const std::vector<target_update>& updates,
                               const std::vector<std::string>& discovered, const std::vector<exporting::shard_progress>& shards) {
    const auto file = path_.string();
    transaction tx([this](const char* sql) { exec(sql); });
    {
        statement s(db_, R"sql(
INSERT INTO targets(source, id, status, permanent, attempts, last_status, url, reason, etag, last_serial, content_hash, shard, run, incomplete)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
ON CONFLICT(source, id) DO UPDATE SET
  status = excluded.status, permanent = excluded.permanent, attempts = excluded.attempts,
  last_status = excluded.last_status, url = excluded.url, reason = excluded.reason,
  etag = CASE WHEN excluded.etag = '' THEN etag ELSE excluded.etag END,
  last_serial = coalesce(excluded.last_serial, last_serial),
  content_hash = CASE WHEN excluded.content_hash = '' THEN content_hash ELSE excluded.content_hash END,
  shard = CASE WHEN excluded.shard = '' THEN shard ELSE excluded.shard END,
  incomplete = excluded.incomplete, run = excluded.run, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))sql",
                    file);
        for (const auto& u : updates)
            s.bind(1, source).bind(2, u.id).bind(3, status_name(u.status)).bind(4, std::int64_t{u.permanent}).bind(5, std::int64_t{u.attempts})
                .bind(6, std::int64_t{u.last_status}).bind(7, u.url).bind(8, u.reason).bind(9, u.etag).bind(10, u.last_serial)
                .bind(11, u.content_hash).bind(12, u.shard).bind(13, run).bind(14, std::int64_t{u.incomplete}).run_once();
    }
    {
        statement s(db_, "INSERT OR IGNORE INTO targets(source, id, status, run) VALUES(?, ?, 'pending', ?)", file);
        for (const auto& id : discovered) s.bind(1, source).bind(2, id).bind(3, run).run_once();
    }
    {
        statement s(db_, R"sql(
INSERT INTO shards(name, split, run, temp, records, bytes) VALUES(?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT(name) DO UPDATE SET temp = excluded.temp, records = excluded.records, bytes = excluded.bytes)sql",
                    file);
        for (const auto& p : shards)
            s.bind(1, p.path).bind(2, p.split).bind(3, run).bind(4, p.temp).bind(5, static_cast<std::int64_t>(p.records))
                .bind(6, static_cast<std::int64_t>(p.bytes)).run_once();
    }
    tx.commit();
}

void state_store::record_complete(std::int64_t run, const std::vector<exporting::shard_info>& shards) {
    if (shards.empty()) return;
    transaction tx([this](const char* sql) { exec(sql); });
    statement s(db_, R"sql(
INSERT INTO shards(name, split, run, complete, temp, records, bytes, sha256) VALUES(?1, ?2, ?3, 1, '', ?4, ?5, ?6)
ON CONFLICT(name) DO UPDATE SET complete = 1, temp = '', records = excluded.records, bytes = excluded.bytes, sha256 = excluded.sha256)sql",
                path_.string());
    for (const auto& i : shards)
        s.bind(1, i.path).bind(2, i.split).bind(3, run).bind(4, static_cast<std::int64_t>(i.records)).bind(5, static_cast<std::int64_t>(i.bytes))
            .bind(6, i.sha256).run_once();
    tx.commit();
}

void state_store::forget_shard(const std::string& name) {
    transaction tx([this](const char* sql) { exec(sql); });
    statement targets(db_, "UPDATE targets SET status = 'pending', shard = '' WHERE shard = ?", path_.string());
    targets.bind(1, name).run_once();
    statement shards(db_, "DELETE FROM shards WHERE name = ?", path_.string());
    shards.bind(1, name).run_once();
    tx.commit();
}

} // namespace harvest::state
