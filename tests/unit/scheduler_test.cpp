// The scheduler without sockets: steps handed out, dedup, --target accounting, plans from the
// state, discoveries, and the batches for the committer, driven by hand-made outcomes.
#include <harvest/convert/converter.hpp>
#include <harvest/pipeline/scheduler.hpp>
#include <harvest/sources/glytoucan/glycan_record.hpp>

#include <doctest/doctest.h>

#include <algorithm>

// Designated initializers name only the options a case sets; the rest keep their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace harvest;
using pipeline::scheduler;
using pipeline::scheduler_options;
using pipeline::step_kind;
using state::target_state;
using state::target_status;

namespace {

sources::target target(std::string id, std::optional<std::uint64_t> revision = std::nullopt, bool listed = false) {
    return sources::target{std::move(id), revision, listed, {}};
}

std::vector<sources::target> targets(std::initializer_list<const char*> ids) {
    std::vector<sources::target> out;
    for (const auto* id : ids) out.push_back(target(id));
    return out;
}

sources::outcome written(const std::string& id, std::vector<std::string> discovered = {}, std::string etag = {}) {
    sources::glycan_record r;
    r.accession = id;
    r.wurcs = "WURCS=2.0/1,1,0/[a2122h-1b_1-5]/1/";
    return sources::fetched{id, sources::make_record(r), std::nullopt, std::move(discovered), std::move(etag)};
}

sources::outcome failed(const std::string& id, std::string reason = "not found (HTTP 404)", bool permanent = true) {
    return sources::target_failure{id, "http://127.0.0.1/" + id, 404, std::move(reason), 1, permanent};
}

scheduler make(scheduler_options o, std::unordered_map<std::string, target_state> known = {}) {
    if (o.source.empty()) o.source = "glytoucan";
    return scheduler(std::move(o), std::move(known), [] { return std::string("2026-12-01T00:00:00Z"); });
}

// Fetches every step the scheduler hands out, answering with `answer`, until it is finished.
std::vector<std::string> drain(scheduler& s, const std::function<sources::outcome(const sources::target&)>& answer,
                               std::vector<pipeline::batch>* batches = nullptr) {
    std::vector<std::string> fetched;
    for (int guard = 0; guard < 10'000; ++guard) {
        auto st = s.next();
        if (st.kind == step_kind::finished) return fetched;
        REQUIRE(st.kind == step_kind::fetch);
        fetched.push_back(st.target.id);
        auto full = s.complete(st.target, answer(st.target));
        if (full && batches) batches->push_back(std::move(*full));
    }
    FAIL("the scheduler never finished");
    return fetched;
}

target_state done_state(std::string hash = "h", std::optional<std::uint64_t> serial = std::nullopt, std::string etag = {}) {
    target_state t;
    t.status = target_status::done;
    t.content_hash = std::move(hash);
    t.last_serial = serial;
    t.etag = std::move(etag);
    return t;
}

} // namespace

TEST_CASE("scheduler: --ids duplicates are fetched once, in order, then the run is finished") {
    auto s = make({});
    s.add_ids(targets({"A", "B", "A", "C", "B"}));
    CHECK(drain(s, [](const auto& t) { return written(t.id); }) == std::vector<std::string>{"A", "B", "C"});
    CHECK(s.written() == 3);
    CHECK(s.target_reached() == false);
}

TEST_CASE("scheduler: --target counts fetches in flight, and a failure lets another target take its place") {
    auto s = make({.target = 2});
    s.add_ids(targets({"A", "B", "C", "D"}));
    auto a = s.next(), b = s.next();
    REQUIRE(a.kind == step_kind::fetch);
    REQUIRE(b.kind == step_kind::fetch);
    CHECK(s.next().kind == step_kind::wait); // two in flight cover the target
    s.complete(a.target, failed("A"));
    auto c = s.next();
    REQUIRE(c.kind == step_kind::fetch);
    CHECK(c.target.id == "C");
    s.complete(b.target, written("B"));
    CHECK(s.next().kind == step_kind::wait);
    s.complete(c.target, written("C"));
    CHECK(s.next().kind == step_kind::finished);
    CHECK(s.target_reached());
    CHECK(s.written() == 2);
    REQUIRE(s.failures().size() == 1);
    CHECK(s.failures()[0].id == "A");
    CHECK(s.queued() == 1); // D: never fetched
}

TEST_CASE("scheduler: one listing at a time, more listings until the source says done") {
    auto s = make({});
    auto first = s.next();
    CHECK(first.kind == step_kind::list);
    CHECK(s.next().kind == step_kind::wait); // a listing is in progress
    s.listed(targets({"A", "B"}), false);
    auto a = s.next();
    CHECK(a.target.id == "A");
    auto b = s.next();
    CHECK(b.target.id == "B");
    CHECK(s.next().kind == step_kind::list); // more to list, even with fetches in flight
    s.listed(targets({"B", "C"}), true);     // B again: already claimed
    auto c = s.next();
    CHECK(c.target.id == "C");
    CHECK(s.next().kind == step_kind::finished); // nothing discovers targets: in-flight fetches need not be awaited
    CHECK(s.exhausted());
}

TEST_CASE("scheduler: a failed listing ends the enumeration") {
    auto s = make({});
    REQUIRE(s.next().kind == step_kind::list);
    s.listing_failed();
    CHECK(s.next().kind == step_kind::finished);
}

TEST_CASE("scheduler: discovered targets are queued once, waited for while fetches are in flight, and recorded as pending") {
    auto s = make({.with_state = true, .discovers_targets = true});
    s.add_ids(targets({"celery"}));
    auto celery = s.next();
    REQUIRE(celery.kind == step_kind::fetch);
    CHECK(s.next().kind == step_kind::wait); // celery may discover more
    s.complete(celery.target, written("celery", {"kombu", "vine", "celery"}));
    auto kombu = s.next(), vine = s.next();
    CHECK(kombu.target.id == "kombu");
    CHECK(vine.target.id == "vine");
    s.complete(kombu.target, written("kombu", {"vine", "amqp"}));
    s.complete(vine.target, written("vine"));
    CHECK(s.next().target.id == "amqp");
    const auto b = s.take_batch();
    CHECK(b.discovered == std::vector<std::string>{"kombu", "vine", "amqp"}); // vine was claimed when kombu named it
    CHECK(b.records.size() == 3);
}

TEST_CASE("scheduler: a batch is handed over when it holds batch-size records and state changes, the rest at the end") {
    auto s = make({.batch_size = 3, .with_state = true});
    s.add_ids(targets({"A", "B", "C", "D", "E"}));
    std::vector<pipeline::batch> batches;
    drain(s, [](const auto& t) { return t.id == "B" ? failed("B") : written(t.id); }, &batches);
    REQUIRE(batches.size() == 1);
    CHECK(batches[0].records.size() == 2); // A, C
    CHECK(batches[0].updates.size() == 1); // B failed
    CHECK(batches[0].updates[0].status == target_status::failed);
    CHECK(batches[0].record_updates.size() == 2);
    CHECK(batches[0].records[0].fetched_at == "2026-12-01T00:00:00Z");
    const auto rest = s.take_batch();
    CHECK(rest.records.size() == 2); // D, E
    CHECK(s.take_batch().empty());
}

TEST_CASE("scheduler: --resume skips what is done or failed for good, fetches the rest first, and counts done records towards --target") {
    std::unordered_map<std::string, target_state> known;
    known["A"] = done_state();
    target_state gone, flaky, pending;
    gone.status = target_status::failed;
    gone.permanent = true;
    flaky.status = target_status::failed;
    pending.status = target_status::pending;
    known["B"] = gone;
    known["C"] = flaky;
    known["D"] = pending;
    auto s = make({.target = 4, .with_state = true, .mode = state::run_mode::resume}, known);
    s.resume_from_state([](const std::string& id) -> std::optional<sources::target> {
        if (id == "D") return std::nullopt; // an id the source no longer accepts
        return target(id);
    });
    CHECK(s.written() == 1);
    s.listed(targets({"A", "B", "E", "F", "G"}), true);
    auto fetched = drain(s, [](const auto& t) { return written(t.id); });
    std::ranges::sort(fetched);
    CHECK(fetched == std::vector<std::string>{"C", "E", "F"}); // target 4: A + 3
    CHECK(s.target_reached());
}

TEST_CASE("scheduler: --incremental skips what the index says is unchanged and revalidates the rest with its ETag") {
    std::unordered_map<std::string, target_state> known;
    known["same"] = done_state("h", 10, "\"e1\"");
    known["newer"] = done_state("h", 10, "\"e2\"");
    auto s = make({.source = "pypi", .with_state = true, .mode = state::run_mode::incremental}, known);
    s.listed({target("same", 10, true), target("newer", 11, true), target("new", 3, true)}, true);
    auto newer = s.next();
    REQUIRE(newer.kind == step_kind::fetch);
    CHECK(newer.target.id == "newer");
    CHECK(newer.target.etag == "\"e2\"");
    CHECK(s.unchanged() == 1); // "same": no request
    auto fresh = s.next();
    CHECK(fresh.target.id == "new");
    CHECK(fresh.target.etag.empty());
    s.complete(newer.target, sources::not_modified{"newer", "\"e3\""});
    CHECK(s.unchanged() == 2);
    const auto b = s.take_batch();
    REQUIRE(b.updates.size() == 1);
    CHECK(b.updates[0].etag == "\"e3\"");
    CHECK(b.updates[0].last_serial == 11u); // the index's serial, stored for the next run
}

TEST_CASE("scheduler: --incremental writes a revalidated record only when its content changed") {
    const auto hash = convert::content_hash({"X", "glytoucan", "2026-12-01T00:00:00Z", std::move(std::get<sources::fetched>(written("X")).record)});
    REQUIRE(hash.size() == 64);

    std::unordered_map<std::string, target_state> known;
    known["X"] = done_state(hash);
    known["Y"] = done_state("an older hash");
    auto s = make({.with_state = true, .mode = state::run_mode::incremental}, known);
    s.add_ids(targets({"X", "Y"}));
    drain(s, [](const auto& t) { return written(t.id); });
    const auto b = s.take_batch();
    REQUIRE(b.records.size() == 1);
    CHECK(b.records[0].id == "Y");
    CHECK(s.unchanged() == 1);
    REQUIRE(b.updates.size() == 1); // X: validators refreshed, keeps its shard
    CHECK(b.updates[0].id == "X");
    CHECK(b.updates[0].shard.empty());
}

TEST_CASE("scheduler: a record answered under another id (a renamed project) is written once, and both ids are done") {
    auto s = make({.source = "pypi", .with_state = true});
    s.add_ids(targets({"old-name", "new-name"}));
    drain(s, [](const auto&) { return written("new-name"); });
    const auto b = s.take_batch();
    CHECK(b.records.size() == 1);
    REQUIRE(b.updates.size() == 1);
    CHECK(b.updates[0].id == "old-name");
    CHECK(b.updates[0].status == target_status::done);
}

TEST_CASE("scheduler: after stop, nothing more is handed out and cancelled fetches are no failures") {
    auto s = make({.with_state = true});
    s.add_ids(targets({"A", "B", "C"}));
    auto a = s.next(), b = s.next();
    s.stop();
    CHECK(s.next().kind == step_kind::finished);
    s.complete(a.target, failed("A", "GET http://127.0.0.1/A: cancelled", false));
    s.complete(b.target, failed("B", "not found (HTTP 404)"));
    CHECK(s.failures().size() == 1); // B's answer came; A stays pending for a later run
    CHECK(s.take_batch().updates.size() == 1);
}

TEST_CASE("scheduler: an unclaimed target is handed out again first") {
    auto s = make({});
    s.add_ids(targets({"A", "B"}));
    auto a = s.next();
    s.unclaim(a.target);
    CHECK(s.in_flight() == 0);
    CHECK(s.next().target.id == "A");
}

TEST_CASE("scheduler: failures are redacted before anything records them") {
    auto s = make({.with_state = true});
    s.add_ids(targets({"A"}));
    auto a = s.next();
    s.complete(a.target, sources::target_failure{"A", "https://user:secret@mirror.example/A", 500, "GET https://user:secret@mirror.example/A: HTTP 500", 3, false});
    REQUIRE(s.failures().size() == 1);
    CHECK(s.failures()[0].url.find("secret") == std::string::npos);
    CHECK(s.failures()[0].reason.find("secret") == std::string::npos);
    CHECK(s.take_batch().updates.at(0).url.find("secret") == std::string::npos);
}

TEST_CASE("scheduler: --ids targets are handed to the source's bulk lookup in blocks before they are fetched, listed ones never") {
    auto s = make({.lookup_block = 2});
    s.add_ids(targets({"G00001AA", "G00002AA", "G00001AA", "G00003AA"}));
    auto first = s.next();
    REQUIRE(first.kind == step_kind::look_up);
    std::vector<std::string> block;
    for (const auto& t : first.block) block.push_back(t.id);
    CHECK(block == std::vector<std::string>{"G00001AA", "G00002AA"}); // the queue's order, each once
    auto a = s.next();
    REQUIRE(a.kind == step_kind::fetch);
    CHECK(a.target.id == "G00001AA");
    CHECK(s.next().target.id == "G00002AA");
    // The duplicate was looked up already; the next unlooked-up one starts a new block.
    auto second = s.next();
    REQUIRE(second.kind == step_kind::look_up);
    REQUIRE(second.block.size() == 1);
    CHECK(second.block[0].id == "G00003AA");
    CHECK(s.next().target.id == "G00003AA");

    auto listing = make({.lookup_block = 2});
    REQUIRE(listing.next().kind == step_kind::list);
    std::vector<sources::target> listed{target("G00001AA", std::nullopt, true), target("G00002AA", std::nullopt, true)};
    listing.listed(listed, true);
    CHECK(listing.next().kind == step_kind::fetch); // the listing's page carried what a lookup would
    CHECK(listing.next().kind == step_kind::fetch);

    auto without = make({});
    without.add_ids(targets({"G00001AA"}));
    CHECK(without.next().kind == step_kind::fetch); // a source without bulk lookup
}

TEST_CASE("scheduler: a record written incomplete is written again when it comes back whole, and counted while it is not") {
    target_state partial;
    partial.status = target_status::done;
    partial.incomplete = true;
    partial.content_hash = "an older, incomplete record";
    auto s = make({.with_state = true, .mode = state::run_mode::resume}, {{"G00001AA", partial}});
    s.resume_from_state([](const std::string& id) { return std::optional(target(id)); });
    s.add_ids({}); // no listing follows
    std::vector<pipeline::batch> batches;
    const auto fetched = drain(s, [](const sources::target& t) { return written(t.id); }, &batches);
    CHECK(fetched == std::vector<std::string>{"G00001AA"}); // --resume asks again
    auto last = s.take_batch();
    REQUIRE(last.records.size() == 1); // the whole record supersedes the incomplete line
    CHECK_FALSE(last.record_updates[0].incomplete);
    CHECK(s.incomplete() == 0);

    auto first = make({.with_state = true});
    first.add_ids(targets({"G00002AA"}));
    drain(first, [](const sources::target& t) {
        auto got = std::get<sources::fetched>(written(t.id));
        got.incomplete = "GlyGen answered HTTP 503";
        return sources::outcome(std::move(got));
    });
    auto b = first.take_batch();
    REQUIRE(b.record_updates.size() == 1);
    CHECK(b.record_updates[0].incomplete);
    CHECK(b.record_updates[0].reason == "GlyGen answered HTTP 503");
    CHECK(first.incomplete() == 1);
}

TEST_CASE("scheduler: with --format chat, a record that has no question-answer pair is a permanent 'no content' failure, not a line") {
    auto s = make({.needs_chat_pairs = true});
    s.add_ids(targets({"G00001AA", "G00002AA"}));
    std::vector<pipeline::batch> batches;
    drain(s, [](const sources::target& t) -> sources::outcome {
        if (t.id == "G00001AA") return written(t.id); // a WURCS: a pair to ask
        sources::glycan_record bare;
        bare.accession = t.id;
        return sources::fetched{t.id, sources::make_record(bare), std::nullopt, {}, {}};
    }, &batches);
    auto last = s.take_batch();
    CHECK(last.records.size() == 1);
    REQUIRE(s.failures().size() == 1);
    CHECK(s.failures()[0].id == "G00002AA");
    CHECK(s.failures()[0].permanent);
    CHECK(s.failures()[0].reason.starts_with("no content:"));
    CHECK(s.written() == 1);
}

TEST_CASE("scheduler: --incremental leaves 1,000 dead names alone while the index serial stands still, and stores the serial a failure happened at") {
    std::unordered_map<std::string, target_state> known;
    std::vector<sources::target> listing;
    for (int i = 0; i < 1000; ++i) {
        const auto id = "dead-" + std::to_string(i);
        target_state t;
        t.status = target_status::failed;
        t.permanent = true;
        t.last_serial = 500;
        known[id] = t;
        listing.push_back(target(id, i == 999 ? 501 : 500, true)); // one of them has a release since
    }
    auto s = make({.source = "pypi", .with_state = true, .mode = state::run_mode::incremental}, known);
    s.resume_from_state([](const std::string& id) { return std::optional(target(id)); });
    s.listed(std::move(listing), true);
    const auto fetched = drain(s, [](const sources::target& t) { return failed(t.id); });
    CHECK(fetched == std::vector<std::string>{"dead-999"});
    CHECK(s.planned(state::plan_kind::skip_failed) == 999);
    const auto b = s.take_batch();
    REQUIRE(b.updates.size() == 1);
    CHECK(b.updates[0].last_serial == 501u); // compared at the next run

    auto retry = make({.source = "pypi", .with_state = true, .mode = state::run_mode::incremental, .retry_failed = true}, known);
    retry.resume_from_state([](const std::string& id) { return std::optional(target(id)); });
    retry.listed({}, true);
    CHECK(drain(retry, [](const sources::target& t) { return failed(t.id); }).size() == 1000);
}

TEST_CASE("scheduler: a record written from a stale page waits for the listing, so it is fetched with the index's serial to check the page against") {
    std::unordered_map<std::string, target_state> known;
    target_state stale;
    stale.status = target_status::done;
    stale.incomplete = true; // kept from a stale page
    stale.last_serial = 100; // the page's own serial
    known["requests"] = stale;
    for (const auto mode : {state::run_mode::incremental, state::run_mode::resume}) {
        CAPTURE(static_cast<int>(mode));
        auto s = make({.source = "pypi", .with_state = true, .mode = mode}, known);
        s.resume_from_state([](const std::string& id) { return std::optional(target(id)); });
        CHECK(s.queued() == 0); // not from the state, without a serial
        s.listed({target("requests", 105, true)}, true);
        const auto st = s.next();
        REQUIRE(st.kind == step_kind::fetch);
        CHECK(st.target.revision == 105u); // the index's: a page older than it is stale again
    }
}
