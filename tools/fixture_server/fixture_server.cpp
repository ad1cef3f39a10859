#include "fixture_server.hpp"

#include <harvest/export/json_writer.hpp>
#include <harvest/http/content_coding.hpp>
#include <harvest/sources/pypi/pypi_name.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace harvest::fixture {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using exporting::json_writer;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto idle_timeout = std::chrono::seconds(60);
constexpr auto io_timeout = std::chrono::seconds(30);
constexpr std::size_t request_body_limit = 1024 * 1024;
constexpr std::size_t log_capacity = 100'000;
constexpr std::size_t gzip_cache_capacity = 256;

std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

std::shared_ptr<const std::string> text(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

template <class Stream> constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;

// Abortive close: the peer sees ECONNRESET rather than an orderly end of stream.
template <class Stream> void reset(Stream& stream) {
    auto& socket = beast::get_lowest_layer(stream).socket();
    boost::system::error_code ec;
    socket.set_option(asio::socket_base::linger(true, 0), ec);
    socket.close(ec);
}

template <class Stream> void orderly_close(Stream& stream) {
    auto& socket = beast::get_lowest_layer(stream).socket();
    boost::system::error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    socket.close(ec);
}

// Reads and discards until the client closes or `limit` passes.
template <class Stream> asio::awaitable<void> ignore_until_closed(Stream& stream, std::chrono::milliseconds limit) {
    auto& socket = beast::get_lowest_layer(stream);
    socket.expires_after(limit);
    char sink[256];
    for (;;) {
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(sink), use_tuple);
        if (ec) break;
    }
}

} // namespace

std::string_view to_string(fault_kind k) noexcept {
    switch (k) {
    case fault_kind::http_500: return "500";
    case fault_kind::http_502: return "502";
    case fault_kind::http_503: return "503";
    case fault_kind::http_429: return "429";
    case fault_kind::reset_before: return "reset";
    case fault_kind::reset_mid: return "reset-mid";
    case fault_kind::truncate: return "truncate";
    case fault_kind::malformed: return "malformed";
    case fault_kind::stall: return "stall";
    }
    return "?";
}

const std::vector<fault_kind>& all_fault_kinds() {
    static const std::vector<fault_kind> all{fault_kind::http_500,  fault_kind::http_502, fault_kind::http_503,
                                             fault_kind::http_429,  fault_kind::reset_before, fault_kind::reset_mid,
                                             fault_kind::truncate,  fault_kind::malformed, fault_kind::stall};
    return all;
}

std::string_view to_string(hostile_kind k) noexcept {
    switch (k) {
    case hostile_kind::gzip_bomb: return "gzip-bomb";
    case hostile_kind::huge_body: return "huge-body";
    case hostile_kind::endless_chunked: return "endless-chunked";
    case hostile_kind::many_headers: return "many-headers";
    case hostile_kind::long_header_line: return "long-header-line";
    case hostile_kind::bad_chunk_size: return "bad-chunk-size";
    case hostile_kind::not_http: return "not-http";
    case hostile_kind::slowloris: return "slowloris";
    case hostile_kind::never_answers: return "never-answers";
    case hostile_kind::reset_mid: return "reset-mid";
    case hostile_kind::redirect_loop: return "redirect-loop";
    case hostile_kind::redirect_scheme: return "redirect-scheme";
    case hostile_kind::rate_storm: return "rate-storm";
    case hostile_kind::lying_length: return "lying-length";
    }
    return "?";
}

const std::vector<hostile_kind>& all_hostile_kinds() {
    static const std::vector<hostile_kind> all{
        hostile_kind::gzip_bomb,      hostile_kind::huge_body,     hostile_kind::endless_chunked, hostile_kind::many_headers,
        hostile_kind::long_header_line, hostile_kind::bad_chunk_size, hostile_kind::not_http,     hostile_kind::slowloris,
        hostile_kind::never_answers,  hostile_kind::reset_mid,     hostile_kind::redirect_loop,   hostile_kind::redirect_scheme,
        hostile_kind::rate_storm,     hostile_kind::lying_length};
    return all;
}

std::optional<hostile_kind> hostile_project(std::string_view target) noexcept {
    constexpr std::string_view prefix = "/pypi/hostile-", suffix = "/json";
    if (!target.starts_with(prefix) || !target.ends_with(suffix)) return std::nullopt;
    const auto name = target.substr(prefix.size(), target.size() - prefix.size() - suffix.size());
    for (auto k : all_hostile_kinds()) {
        const auto kind = to_string(k);
        if (name == kind || (name.starts_with(kind) && name[kind.size()] == '-')) return k;
    }
    return std::nullopt;
}

std::optional<fault_kind> parse_fault_kind(std::string_view name) noexcept {
    for (auto k : all_fault_kinds())
        if (to_string(k) == name) return k;
    return std::nullopt;
}

fixture_server::fixture_server(asio::io_context& ioc, fixture_catalog& catalog, fixture_options options)
    : ioc_(ioc), catalog_(catalog), options_(std::move(options)), acceptor_(ioc), rng_(options_.seed) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options_.address, ec);
    if (ec) throw std::runtime_error("fixture-server: --address: not an IP address: " + options_.address);
    const tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    if (options_.reuse_port) acceptor_.set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true));
    acceptor_.bind(endpoint, ec);
    if (ec)
        throw std::runtime_error("fixture-server: cannot listen on " + options_.address + ":" +
                                 std::to_string(options_.port) + ": " + ec.message());
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();

    if (options_.tls_cert || options_.tls_key) {
        if (!options_.tls_cert || !options_.tls_key)
            throw std::runtime_error("fixture-server: TLS needs both --tls-cert and --tls-key");
        tls_.emplace(asio::ssl::context::tls_server);
        tls_->use_certificate_chain_file(options_.tls_cert->string(), ec);
        if (ec) throw std::runtime_error("fixture-server: --tls-cert " + options_.tls_cert->string() + ": " + ec.message());
        tls_->use_private_key_file(options_.tls_key->string(), asio::ssl::context::pem, ec);
        if (ec) throw std::runtime_error("fixture-server: --tls-key " + options_.tls_key->string() + ": " + ec.message());
    }
    if (options_.log_file) {
        log_.open(*options_.log_file, std::ios::app);
        if (!log_) throw std::runtime_error("fixture-server: cannot open --log " + options_.log_file->string());
    }
}

fixture_server::~fixture_server() = default;

void fixture_server::start() {
    auto loop = accept_loop();
    asio::co_spawn(ioc_, std::move(loop), asio::detached);
}

asio::awaitable<void> fixture_server::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
        if (ec == asio::error::operation_aborted) co_return;
        if (ec) continue; // e.g. EMFILE: keep serving the connections we have
        ++connections_;
        socket.set_option(tcp::no_delay(true), ec);
        if (tls_) {
            beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls_);
            auto task = session(std::move(stream));
            asio::co_spawn(ioc_, std::move(task), asio::detached);
        } else {
            beast::tcp_stream stream(std::move(socket));
            auto task = session(std::move(stream));
            asio::co_spawn(ioc_, std::move(task), asio::detached);
        }
    }
}

template <class Stream> asio::awaitable<void> fixture_server::session(Stream stream) {
    if constexpr (is_tls<Stream>) {
        beast::get_lowest_layer(stream).expires_after(io_timeout);
        auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
        if (ec) co_return; // e.g. the client rejected our certificate
    }
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(request_body_limit);
        beast::get_lowest_layer(stream).expires_after(idle_timeout);
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
        if (ec) break;
        const bool keep_alive = co_await respond(stream, parser.get());
        if (!keep_alive) co_return; // respond() closed the connection or it must close now
    }
    if constexpr (is_tls<Stream>) {
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
        co_await stream.async_shutdown(use_tuple);
    } else {
        orderly_close(stream);
    }
}

template <class Stream> asio::awaitable<bool> fixture_server::respond(Stream& stream, const request& req) {
    const auto arrived = std::chrono::steady_clock::now();
    const std::string method(req.method_string());
    const std::string target(req.target());
    const fixture_request freq{method, target, req[http::field::accept], req[http::field::if_none_match],
                               req[http::field::content_type], req.body()};
    const auto route = classify(target);
    if (const auto hostile = hostile_project(target)) {
        record(method, target, route, std::nullopt, 0, arrived);
        co_await misbehave(stream, *hostile, target);
        co_return false; // whatever is left of the connection is not fit for another request
    }
    fixture_response res;
    std::optional<fault_kind> fault;
    std::chrono::milliseconds delay{0}; // --latency-ms (+ jitter) for data responses
    if (route == route_kind::control && target == "/_fixture/headers") { // what the client sent, one "name: value" a line
        std::string echoed;
        for (const auto& field : req) echoed.append(field.name_string()).append(": ").append(field.value()).append("\n");
        res = {200, "text/plain", {}, text(std::move(echoed))};
    } else if (route == route_kind::control) {
        res = control(freq);
    } else if (auto wait = rate_limited(route)) {
        res = {options_.rate_status, "application/json", {{"Retry-After", std::to_string(wait->count())}},
               text(options_.rate_status == 503 ? R"j({"message": "Service Unavailable (over the rate)"})j" : R"({"message": "Too Many Requests"})")};
    } else {
        delay = options_.latency;
        if (options_.jitter.count() > 0)
            delay += std::chrono::milliseconds(std::uniform_int_distribution<std::int64_t>(0, options_.jitter.count())(rng_));
        fault = pick_fault();
        if (fault == fault_kind::http_500)
            res = {500, "application/json", {}, text(R"j({"message": "Internal Server Error (injected)"})j")};
        else if (fault == fault_kind::http_502)
            res = {502, "text/html", {}, text("<html><body><h1>502 Bad Gateway</h1> (injected)</body></html>\n")};
        else if (fault == fault_kind::http_503)
            res = {503, "application/json", {{"Retry-After", std::to_string(options_.fault_retry_after.count())}}, text(R"j({"message": "Service Unavailable (injected)"})j")};
        else if (fault == fault_kind::http_429)
            res = {429, "application/json", {{"Retry-After", std::to_string(options_.fault_retry_after.count())}}, text(R"j({"message": "Too Many Requests (injected)"})j")};
        else
            res = stale_or_routed(freq);
    }
    if (route != route_kind::control) record(method, target, route, fault, res.status, arrived);

    auto payload = res.body;
    bool gzip = false;
    const auto accept_encoding = req[http::field::accept_encoding];
    const bool already_encoded = std::ranges::any_of(res.headers, [](const auto& h) { return h.first == "Content-Encoding"; });
    if (payload && options_.gzip && !already_encoded && fault != fault_kind::malformed && payload->size() >= 256 &&
        accept_encoding.find("gzip") != std::string_view::npos) {
        // Bodies with an ETag are keyed by it: no hashing of the body on every request.
        auto etag = std::ranges::find_if(res.headers, [](const auto& h) { return h.first == "ETag"; });
        payload = gzipped(body{payload, etag == res.headers.end() ? std::string() : etag->second});
        gzip = true;
    }
    if (fault == fault_kind::malformed && payload) // well framed, but the JSON stops half way
        payload = text(payload->substr(0, payload->size() / 2));

    // HTTP-level faults (500, 503, malformed JSON) keep the connection, as real servers do.
    const bool keep_alive = options_.keep_alive && req.keep_alive();
    http::response<http::span_body<const char>> msg{static_cast<http::status>(res.status), req.version()};
    msg.set(http::field::server, "harvest-fixture-server");
    if (!res.content_type.empty()) msg.set(http::field::content_type, res.content_type);
    for (const auto& [name, value] : res.headers) msg.set(name, value);
    if (gzip) {
        msg.set(http::field::content_encoding, "gzip");
        msg.set(http::field::vary, "Accept-Encoding");
    }
    msg.keep_alive(keep_alive);
    const std::size_t size = payload ? payload->size() : 0;
    if (res.status != 304 && res.status != 204) msg.content_length(size);
    if (payload && req.method() != http::verb::head) msg.body() = {payload->data(), payload->size()};

    // The response is ready before the delay starts, so that the delay is all the client sees: a
    // burst of responses falling due together costs the server little more than the writes.
    if (delay.count() > 0) {
        asio::steady_timer timer(ioc_, delay);
        co_await timer.async_wait(use_tuple);
    }
    if (fault == fault_kind::reset_before) {
        reset(stream);
        co_return false;
    }
    if (fault == fault_kind::stall) {
        // Answer nothing; wait until the client gives up (closes) or the stall time passes.
        co_await ignore_until_closed(stream, options_.stall);
        reset(stream);
        co_return false;
    }

    beast::get_lowest_layer(stream).expires_after(io_timeout);
    if (fault == fault_kind::reset_mid || fault == fault_kind::truncate) {
        http::response_serializer<http::span_body<const char>> serializer{msg};
        auto [ec, n] = co_await http::async_write_header(stream, serializer, use_tuple);
        if (!ec && payload) co_await asio::async_write(stream, asio::buffer(payload->data(), size / 2), use_tuple);
        if (fault == fault_kind::reset_mid) reset(stream);
        else orderly_close(stream);
        co_return false;
    }
    auto [ec, n] = co_await http::async_write(stream, msg, use_tuple);
    co_return !ec && keep_alive;
}

namespace {

template <class Stream> asio::awaitable<bool> write_all(Stream& stream, std::string_view data) {
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(data.data(), data.size()), use_tuple);
    co_return !ec;
}

const std::string json_head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";

// A body that never ends (chunked) or ends after 1 GiB, sent as fast as the client reads.
template <class Stream> asio::awaitable<void> flood(Stream& stream, bool chunked) {
    const auto head = json_head + (chunked ? "Transfer-Encoding: chunked\r\n\r\n" : "Content-Length: 1073741824\r\n\r\n");
    std::string piece(64 * 1024, ' ');
    if (chunked) piece = "10000\r\n" + piece + "\r\n";
    bool open = co_await write_all(stream, head);
    for (std::size_t sent = 0; open && (chunked || sent < (std::size_t{1} << 30)); sent += 64 * 1024) {
        beast::get_lowest_layer(stream).expires_after(io_timeout);
        open = co_await write_all(stream, piece);
    }
}

// A valid response, one byte per second.
template <class Stream> asio::awaitable<void> trickle(Stream& stream) {
    const auto response = json_head + "Content-Length: 2\r\n\r\n{}";
    asio::steady_timer tick(co_await asio::this_coro::executor);
    for (char c : response) {
        beast::get_lowest_layer(stream).expires_after(io_timeout);
        const std::string one(1, c);
        if (!co_await write_all(stream, one)) break;
        tick.expires_after(std::chrono::seconds(1));
        co_await tick.async_wait(use_tuple);
    }
}

} // namespace

// The whole response of the misbehaviours that fit in one write.
std::string fixture_server::hostile_response(hostile_kind kind, const std::string& target) {
    switch (kind) {
    case hostile_kind::gzip_bomb: {
        const auto bomb_body = gzip_of_zeros(std::size_t{4} << 30);
        return json_head + "Content-Encoding: gzip\r\nContent-Length: " + std::to_string(bomb_body->size()) + "\r\n\r\n" + *bomb_body;
    }
    case hostile_kind::many_headers: {
        std::string head = "HTTP/1.1 200 OK\r\n";
        for (int i = 0; i < 100'000; ++i) head += "X-Filler-" + std::to_string(i) + ": x\r\n";
        return head + "Content-Length: 2\r\n\r\n{}";
    }
    case hostile_kind::long_header_line:
        return "HTTP/1.1 200 OK\r\nX-Long: " + std::string(1 << 20, 'a') + "\r\nContent-Length: 2\r\n\r\n{}";
    case hostile_kind::bad_chunk_size: return json_head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
    case hostile_kind::not_http: return "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
    case hostile_kind::reset_mid: return json_head + "Content-Length: 4096\r\n\r\n{\"info\": {\"name\": \"hostile";
    case hostile_kind::redirect_loop:
    case hostile_kind::redirect_scheme: {
        const std::string location = kind == hostile_kind::redirect_loop ? target : "ftp://127.0.0.1/pypi/hostile/json";
        return "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n";
    }
    case hostile_kind::rate_storm: {
        const std::string body = R"({"message": "Too Many Requests"})";
        return "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 600\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    }
    default: return {};
    }
}

// Each misbehaviour as raw bytes on the wire (Beast would refuse to write most of them). Loops
// end when the client gives up: a write fails once it has closed, or io_timeout passes.
template <class Stream> asio::awaitable<void> fixture_server::misbehave(Stream& stream, hostile_kind kind, const std::string& target) {
    beast::get_lowest_layer(stream).expires_after(io_timeout);
    if (kind == hostile_kind::huge_body || kind == hostile_kind::endless_chunked) {
        co_await flood(stream, kind == hostile_kind::endless_chunked);
    } else if (kind == hostile_kind::slowloris) {
        co_await trickle(stream);
    } else if (kind == hostile_kind::never_answers) {
        co_await ignore_until_closed(stream, options_.stall);
    } else if (kind == hostile_kind::lying_length) {
        // Long enough for many such requests to be in flight at once, each promised 60 MiB.
        if (co_await write_all(stream, json_head + "Content-Length: 62914560\r\n\r\n" + std::string(1024, ' '))) {
            asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::seconds(1));
            co_await pause.async_wait(use_tuple);
        }
    } else {
        const auto response = hostile_response(kind, target);
        co_await write_all(stream, response);
        if (kind == hostile_kind::reset_mid) {
            reset(stream);
            co_return;
        }
    }
    orderly_close(stream);
}

std::shared_ptr<const std::string> fixture_server::gzip_of_zeros(std::size_t bytes) {
    auto& cached = bombs_[bytes];
    if (cached) return cached;
    // After a full flush deflate starts afresh, so every MiB of zeros compresses to the same
    // bytes: compress one MiB once and repeat it (gigabytes cost nothing to build).
    constexpr std::size_t mib = std::size_t{1} << 20;
    const std::string zeros(mib, '\0');
    z_stream zs{};
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("fixture-server: zlib");
    auto deflate_piece = [&zs](std::string_view in, int flush) {
        std::string out(in.size() + 1024, '\0');
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        zs.avail_in = static_cast<uInt>(in.size());
        zs.next_out = reinterpret_cast<Bytef*>(out.data());
        zs.avail_out = static_cast<uInt>(out.size());
        deflate(&zs, flush);
        out.resize(out.size() - zs.avail_out);
        return out;
    };
    const auto first = deflate_piece(zeros, Z_FULL_FLUSH);
    const auto block = deflate_piece(zeros, Z_FULL_FLUSH);
    const auto tail = deflate_piece({}, Z_FINISH);
    deflateEnd(&zs);
    const std::size_t blocks = std::max<std::size_t>(2, bytes / mib);
    const uLong block_crc = crc32(0, reinterpret_cast<const Bytef*>(zeros.data()), static_cast<uInt>(mib));
    uLong crc = block_crc;
    for (std::size_t i = 1; i < blocks; ++i) crc = crc32_combine(crc, block_crc, static_cast<z_off_t>(mib));
    const std::uint64_t size = blocks * mib;
    std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10); // gzip header: deflate, no name, Unix
    out += first;
    for (std::size_t i = 1; i < blocks; ++i) out += block;
    out += tail;
    for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((crc >> shift) & 0xff);
    for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((size >> shift) & 0xff); // ISIZE: size mod 2^32
    cached = text(std::move(out));
    return cached;
}

std::optional<std::chrono::seconds> fixture_server::rate_limited(route_kind route) {
    if (options_.rate <= 0) return std::nullopt;
    const auto now = limit::token_bucket::clock::now();
    auto [it, inserted] = buckets_.try_emplace(route, options_.rate, options_.burst, now);
    const auto wait = it->second.try_acquire(now);
    if (wait == limit::token_bucket::duration::zero()) return std::nullopt;
    return std::chrono::ceil<std::chrono::seconds>(wait); // Retry-After is whole seconds, >= 1
}

std::optional<fault_kind> fixture_server::pick_fault() {
    if (options_.fault_rate <= 0 || options_.faults.empty()) return std::nullopt;
    if (std::uniform_real_distribution<double>(0, 1)(rng_) >= options_.fault_rate) return std::nullopt;
    return options_.faults[std::uniform_int_distribution<std::size_t>(0, options_.faults.size() - 1)(rng_)];
}

std::shared_ptr<const std::string> fixture_server::gzipped(const body& b) {
    // Keyed by content, not address (synthetic bodies are fresh objects each time); bounded.
    const std::string key = (b.etag.empty() ? std::to_string(fnv1a(*b.text)) : b.etag) + ':' + std::to_string(b.text->size());
    if (auto it = gzip_cache_.find(key); it != gzip_cache_.end()) return it->second;
    if (gzip_cache_.size() >= gzip_cache_capacity) gzip_cache_.clear();
    auto compressed = text(harvest::http::gzip_compress(*b.text));
    gzip_cache_.emplace(key, compressed);
    return compressed;
}

std::string fixture_server::to_json_line(const request_record& r) {
    std::string line;
    json_writer w(line);
    w.begin_object().key("seq").value(r.seq).key("method").value(r.method).key("target").value(r.target)
        .key("route").value(r.route).key("status").value(static_cast<std::uint64_t>(r.status));
    if (!r.fault.empty()) w.key("fault").value(r.fault);
    w.key("ms").value(r.ms);
    w.end_object();
    return line += '\n';
}

fixture_response fixture_server::stale_or_routed(const fixture_request& req) {
    auto it = stale_pages_.find(req.target);
    if (it == stale_pages_.end()) return route_request(catalog_, req);
    auto res = it->second.response;
    if (--it->second.remaining == 0) stale_pages_.erase(it);
    return res;
}

fixture_response fixture_server::control(const fixture_request& req) {
    auto parsed = boost::urls::parse_origin_form(req.target);
    const std::string path = parsed ? std::string(parsed->path()) : std::string();
    std::string out;
    json_writer w(out);
    if (path == "/_fixture/stats" && req.method == "GET") {
        auto counters = [&](std::string_view name, const std::map<std::string, std::uint64_t>& m) {
            w.key(name).begin_object();
            for (const auto& [k, v] : m) w.key(k).value(v);
            w.end_object();
        };
        w.begin_object().key("requests").value(requests_).key("connections").value(connections_);
        counters("by_route", by_route_);
        counters("by_status", by_status_);
        counters("by_fault", by_fault_);
        w.end_object();
        return {200, "application/json", {}, text(std::move(out))};
    }
    if (path == "/_fixture/log" && req.method == "GET") {
        std::uint64_t since = 0;
        if (parsed) {
            if (auto it = parsed->params().find("since"); it != parsed->params().end())
                since = std::strtoull(std::string((*it).value).c_str(), nullptr, 10);
        }
        for (const auto& r : recent_)
            if (r.seq > since) out += to_json_line(r);
        return {200, "application/x-ndjson", {}, text(std::move(out))};
    }
    if (path == "/_fixture/reset" && req.method == "POST") {
        requests_ = 0;
        by_route_.clear();
        by_status_.clear();
        by_fault_.clear();
        recent_.clear();
        return {204, "", {}, nullptr};
    }
    // ?project=NAME (repeatable): a new serial each. &stale=N: the next N requests for the
    // project's JSON still get the old page, as from a CDN cache that has not caught up.
    if (path == "/_fixture/bump" && req.method == "POST" && parsed) {
        unsigned stale = 0;
        if (auto it = parsed->params().find("stale"); it != parsed->params().end())
            stale = static_cast<unsigned>(std::strtoul(std::string((*it).value).c_str(), nullptr, 10));
        w.begin_object().key("bumped").begin_object();
        for (auto param : parsed->params()) {
            if (param.key != "project") continue;
            const auto canonical = sources::normalize_project_name(param.value);
            const auto page = "/pypi/" + canonical + "/json";
            if (stale > 0) stale_pages_[page] = {route_request(catalog_, {"GET", page, {}, {}, {}, {}}), stale};
            auto serial = catalog_.bump_pypi(canonical);
            if (!serial) return {404, "text/plain", {}, text("no PyPI project " + canonical + " to bump\n")};
            w.key(canonical).value(*serial);
        }
        w.end_object().end_object();
        return {200, "application/json", {}, text(std::move(out))};
    }
    // Hostile shapes for client tests: redirect chains and loops, and a decompression bomb.
    if (path.starts_with("/_fixture/hops/")) { // /_fixture/hops/N redirects N times, then answers
        const auto n = std::strtoul(path.c_str() + std::string_view("/_fixture/hops/").size(), nullptr, 10);
        if (n == 0) return {200, "application/json", {}, text(R"({"hops":"done"})")};
        return {302, "text/plain", {{"Location", "/_fixture/hops/" + std::to_string(n - 1)}}, text("Found\n")};
    }
    if (path == "/_fixture/loop/a" || path == "/_fixture/loop/b")
        return {302, "text/plain", {{"Location", path.back() == 'a' ? "/_fixture/loop/b" : "/_fixture/loop/a"}}, text("Found\n")};
    if (path == "/_fixture/redirect" && parsed) { // 307 to ?to=
        if (auto it = parsed->params().find("to"); it != parsed->params().end())
            return {307, "text/plain", {{"Location", std::string((*it).value)}}, text("Temporary Redirect\n")};
    }
    if (path == "/_fixture/bomb" && parsed) { // ?mb=N: N MiB of zeros, gzip-compressed to about N KiB
        std::size_t mb = 64;
        if (auto it = parsed->params().find("mb"); it != parsed->params().end())
            mb = std::min<std::size_t>(std::strtoul(std::string((*it).value).c_str(), nullptr, 10), 4096);
        return {200, "application/json", {{"Content-Encoding", "gzip"}}, gzip_of_zeros(mb << 20)};
    }
    return {404, "text/plain", {}, text("unknown control endpoint; try /_fixture/stats, /_fixture/log?since=N, POST /_fixture/reset\n")};
}

void fixture_server::record(std::string_view method, std::string_view target, route_kind route,
                            std::optional<fault_kind> fault, unsigned status, std::chrono::steady_clock::time_point arrived) {
    ++requests_;
    ++by_route_[std::string(to_string(route))];
    ++by_status_[std::to_string(status)];
    const std::string fault_name = fault ? std::string(to_string(*fault)) : std::string();
    if (fault) ++by_fault_[fault_name];
    if (recent_.size() == log_capacity) recent_.pop_front();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(arrived - started_).count();
    recent_.push_back({requests_, std::string(method), std::string(target), std::string(to_string(route)), fault_name, status, ms});
    if (log_) log_ << to_json_line(recent_.back()) << std::flush;
}

} // namespace harvest::fixture
