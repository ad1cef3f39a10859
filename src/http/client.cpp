#include <harvest/http/client.hpp>

#include <harvest/ascii.hpp>
#include <harvest/error.hpp>
#include <harvest/http/async_semaphore.hpp>
#include <harvest/http/basic_auth.hpp>
#include <harvest/http/content_coding.hpp>
#include <harvest/http/redact.hpp>
#include <harvest/http/user_agent.hpp>
#include <harvest/http/host_policy.hpp>
#include <harvest/limit/host_limiter.hpp>
#include <harvest/limit/retry_after.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <bit>
#include <cctype>
#include <limits>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>

namespace harvest::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace urls = boost::urls;
using asio::ip::tcp;
using clock = std::chrono::steady_clock;

phase_timeouts phase_timeouts::uniform(std::chrono::milliseconds t) {
    phase_timeouts p;
    p.resolve = p.connect = p.tls = p.write = p.first_byte = t;
    p.body = std::max(p.body, t);
    return p;
}

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t header_limit = 64 * 1024;

struct host_key {
    std::string scheme; // "http" or "https"
    std::string host;   // lower case
    std::uint16_t port = 0;
    auto operator<=>(const host_key&) const = default;
};

// An absolute http(s) URL taken apart for the wire.
struct target {
    host_key key;
    std::string origin_form; // path?query
    std::string url;         // normalised, for messages and loop detection
    std::string authorization; // Basic, from user:password in the URL (kept by same-host relative redirects only)
};

std::optional<target> parse_target(std::string_view text) {
    auto parsed = urls::parse_uri(text);
    if (!parsed) return std::nullopt;
    urls::url u(*parsed);
    u.normalize_scheme();
    const auto scheme = std::string(u.scheme());
    if ((scheme != "http" && scheme != "https") || !u.has_authority() || u.host().empty()) return std::nullopt;
    target t;
    t.key.scheme = scheme;
    t.key.host = ascii_lower(u.host_address());
    t.key.port = u.has_port() ? u.port_number() : (scheme == "https" ? 443 : 80);
    if (u.has_port() && u.port_number() == 0) return std::nullopt;
    if (u.has_userinfo()) t.authorization = basic_authorization(u.user(), u.password());
    u.remove_fragment();
    t.origin_form = std::string(u.encoded_resource());
    if (t.origin_form.empty() || t.origin_form.front() != '/') t.origin_form.insert(0, "/");
    t.url = std::string(u.buffer());
    return t;
}

bool is_redirect(unsigned status) { return status == 301 || status == 302 || status == 303 || status == 307 || status == 308; }

std::string seconds_text(std::chrono::milliseconds d) {
    const auto ms = d.count();
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

// A response body of unknown length (chunked, or until the connection closes; a Content-Length
// body bypasses the parser, see read_sized_body), appended to a std::string. (Beast's
// string_body resizes, zero-filling every chunk before copying it in.) The capacity goes through
// powers of two, capped at the body limit: an endless body peaks at 1.5 times the limit (while
// the last half is copied), not 3 times.
struct appending_string_body {
    struct value_type {
        std::string text;
        std::size_t limit = std::numeric_limits<std::size_t>::max();
    };

    static std::uint64_t size(const value_type& body) { return body.text.size(); }

    class reader {
    public:
        template <bool isRequest, class Fields>
        reader(bhttp::header<isRequest, Fields>&, value_type& body) : body_(body) {}

        void init(const boost::optional<std::uint64_t>&, boost::system::error_code& ec) { ec = {}; }

        template <class ConstBufferSequence>
        std::size_t put(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
            std::size_t n = 0;
            for (auto b : beast::buffers_range_ref(buffers)) {
                auto& text = body_.text;
                if (const auto needed = text.size() + b.size(); needed > text.capacity())
                    text.reserve(std::max(needed, std::min(std::bit_ceil(needed), body_.limit)));
                text.append(static_cast<const char*>(b.data()), b.size());
                n += b.size();
            }
            ec = {};
            return n;
        }

        void finish(boost::system::error_code& ec) { ec = {}; }

    private:
        value_type& body_;
    };
};

// A response body handed to a request's on_body as it arrives, decoded on the way.
struct sink_body {
    struct value_type {
        body_decoder* decoder = nullptr;
        const std::function<void(std::string_view)>* sink = nullptr;
        std::error_code error; // why the body was refused, when it was
    };

    class reader {
    public:
        template <bool isRequest, class Fields>
        reader(bhttp::header<isRequest, Fields>&, value_type& body) : body_(body) {}

        void init(const boost::optional<std::uint64_t>&, boost::system::error_code& ec) { ec = {}; }

        template <class ConstBufferSequence>
        std::size_t put(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
            std::size_t n = 0;
            for (auto b : beast::buffers_range_ref(buffers)) {
                if (auto e = body_.decoder->feed({static_cast<const char*>(b.data()), b.size()}, *body_.sink)) {
                    body_.error = e;
                    ec = boost::system::error_code(e);
                    return n;
                }
                n += b.size();
            }
            ec = {};
            return n;
        }

        void finish(boost::system::error_code& ec) {
            if (auto e = body_.decoder->finish()) {
                body_.error = e;
                ec = boost::system::error_code(e);
                return;
            }
            ec = {};
        }

    private:
        value_type& body_;
    };
};

// Beast reads at most what the buffer holds. A header read takes up to this much of the body
// with it (to be copied out once more); chunked bodies arrive in pieces of this size. 16 KiB
// measured cheapest on the PyPI bodies (64 KiB: 20 % more CPU, 4 KiB: 10 % more).
constexpr std::size_t read_buffer_size = 16 * 1024;
// A body of known length is read in steps that double from this (most bodies take one).
constexpr std::size_t sized_body_step = 256 * 1024;

// One kept-alive connection, plain or TLS.
struct connection {
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;

    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
    void close() {
        boost::system::error_code ec;
        lowest().socket().close(ec);
    }
};

// The outcome of one exchange on one connection.
struct exchange_result {
    std::error_code ec;
    std::string phase;  // where it failed, for the message
    bool any_response_bytes = false;
    bool closed_by_peer = false; // the connection was closed or reset under us (not a timeout)
    bool keep_alive = false;
    response res;
};

bool is_closed_by_peer(const boost::system::error_code& ec) noexcept {
    return ec == asio::error::eof || ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

} // namespace

struct client::impl {
    struct host_state {
        limit::host_limiter limiter;
        async_semaphore slots;
        std::vector<std::unique_ptr<connection>> idle;
        std::optional<tcp::resolver::results_type> endpoints;
        std::size_t cap; // requests in flight and idle connections kept
        host_state(asio::any_io_executor ex, std::size_t c, limit::host_limiter l) : limiter(std::move(l)), slots(std::move(ex), c), cap(c) {}
        std::optional<rate_limit> ceiling;
        std::set<asio::steady_timer*> waiting; // for a send slot (wait_turn)
        clock::time_point asked_until{};        // the latest Retry-After, uncapped (the pause is capped by a budget)
    };

    asio::any_io_executor ex;
    client_options options;
    const logger& log;
    asio::ssl::context tls_ctx{asio::ssl::context::tls_client};
    async_semaphore workers;
    std::map<host_key, std::unique_ptr<host_state>> hosts;
    std::set<connection*> active;
    std::set<asio::steady_timer*> sleeping;
    std::mt19937_64 rng;
    client_stats stats;
    bool cancelled = false;
    bool warned_contact = false;

    impl(asio::any_io_executor e, client_options o, const logger& l)
        : ex(e), options(std::move(o)), log(l), workers(e, options.workers),
          rng(options.seed ? options.seed : static_cast<std::uint64_t>(clock::now().time_since_epoch().count())) {
        if (options.max_per_host == 0) options.max_per_host = options.workers;
        if (options.user_agent.empty()) options.user_agent = default_user_agent();
        tls_ctx.set_default_verify_paths();
        tls_ctx.set_verify_mode(asio::ssl::verify_peer);
        tls_ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                            asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        if (options.ca_file) {
            boost::system::error_code ec;
            tls_ctx.load_verify_file(options.ca_file->string(), ec);
            if (ec) throw failure(errc::invalid_input, "ca-file", options.ca_file->string() + ": cannot load: " + ec.message());
        }
    }

    host_state& host(const host_key& key) {
        auto& slot = hosts[key];
        if (!slot) {
            if (!warned_contact && !is_loopback_host(key.host) && !has_contact(options.user_agent)) {
                warned_contact = true; // once a run, at the first remote host
                log.warn(missing_contact_warning(options.user_agent), {{"event", "user_agent"}, {"host", key.host}});
            }
            const auto limits = limits_for(key.host, options);
            std::optional<limit::bucket_size> ceiling;
            if (limits.rate) ceiling = limit::bucket_size{limits.rate->rate, limits.rate->burst};
            slot = std::make_unique<host_state>(ex, limits.connections, limit::host_limiter(ceiling, clock::now()));
            slot->ceiling = limits.rate;
        }
        return *slot;
    }

    double unit_random() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }

    // Waits until `when`; false if the client was cancelled meanwhile.
    asio::awaitable<bool> sleep_until(clock::time_point when) {
        if (cancelled) co_return false;
        if (when <= clock::now()) co_return true;
        asio::steady_timer timer(ex, when);
        sleeping.insert(&timer);
        co_await timer.async_wait(use_tuple);
        sleeping.erase(&timer);
        co_return !cancelled;
    }

    // Waits for this host's turn; a pause or a change of rate wakes the waiters (wake_waiters)
    // to queue again at the new pace. False when cancelled, or when the host asked (Retry-After)
    // for more than `budget` more.
    asio::awaitable<bool> wait_turn(host_state& hs, std::chrono::milliseconds budget) {
        for (;;) {
            const auto ticket = hs.limiter.reserve(clock::now());
            if (cancelled || hs.asked_until - clock::now() > budget) co_return false;
            if (ticket.when > clock::now()) {
                asio::steady_timer timer(ex, ticket.when);
                sleeping.insert(&timer);
                hs.waiting.insert(&timer);
                co_await timer.async_wait(use_tuple);
                hs.waiting.erase(&timer);
                sleeping.erase(&timer);
                if (cancelled) co_return false;
            }
            if (hs.limiter.valid(ticket)) co_return true;
        }
    }

    // The limiter paused the host or changed its rate: the waiters' tickets are void.
    static void wake_waiters(host_state& hs) {
        for (auto* timer : hs.waiting) timer->cancel();
    }

    const client_stats& current_stats() {
        stats.hosts.clear();
        for (const auto& [key, hs] : hosts) {
            const auto& pace = hs->limiter.pace();
            stats.hosts.push_back({key.host + ":" + std::to_string(key.port), hs->ceiling ? std::optional<double>(hs->ceiling->rate) : std::nullopt,
                                   hs->limiter.rate(), pace.throttles(), pace.decreases()});
        }
        return stats;
    }

    // Resolves where connections for this host go (the host itself, or its proxy), once.
    asio::awaitable<std::error_code> resolve(host_state& hs, const std::string& host, std::uint16_t port) {
        if (hs.endpoints) co_return std::error_code{};
        tcp::resolver resolver(ex);
        asio::steady_timer deadline(ex, options.timeouts.resolve);
        bool timed_out = false;
        deadline.async_wait([&resolver, &timed_out](boost::system::error_code ec) {
            if (!ec) {
                timed_out = true;
                resolver.cancel();
            }
        });
        auto [ec, results] = co_await resolver.async_resolve(host, std::to_string(port), use_tuple);
        deadline.cancel();
        if (timed_out) co_return std::error_code(boost::system::error_code(beast::error::timeout));
        if (ec) co_return std::error_code(ec);
        hs.endpoints = std::move(results);
        co_return std::error_code{};
    }

    // Opens a tunnel to `key` through an HTTP proxy (CONNECT, RFC 9110 §9.3.6).
    asio::awaitable<bool> tunnel(beast::tcp_stream& stream, const host_key& key, const proxy_endpoint& proxy, exchange_result& failure) {
        const auto authority = key.host + ":" + std::to_string(key.port);
        bhttp::request<bhttp::empty_body> req{bhttp::verb::connect, authority, 11};
        req.set(bhttp::field::host, authority);
        req.set(bhttp::field::user_agent, options.user_agent);
        if (!proxy.authorization.empty()) req.set(bhttp::field::proxy_authorization, proxy.authorization);
        stream.expires_after(options.timeouts.connect);
        const auto where = "opening a tunnel through proxy " + proxy.host + ":" + std::to_string(proxy.port);
        if (auto [ec, n] = co_await bhttp::async_write(stream, req, use_tuple); ec) {
            failure.ec = ec;
            failure.phase = where;
            co_return false;
        }
        bhttp::response_parser<bhttp::empty_body> parser;
        parser.skip(true); // a 2xx answer to CONNECT has no body: the tunnel starts after the header
        beast::flat_buffer buffer;
        if (auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple); ec) {
            failure.ec = ec;
            failure.phase = where;
            co_return false;
        }
        if (parser.get().result_int() != 200) {
            failure.ec = errc::proxy_refused;
            failure.phase = where + " (it answered HTTP " + std::to_string(parser.get().result_int()) + ")";
            co_return false;
        }
        co_return true;
    }

    asio::awaitable<std::unique_ptr<connection>> connect(host_state& hs, const host_key& key, exchange_result& failure) {
        const proxy_endpoint* proxy = options.proxy.for_target(key.scheme, key.host);
        if (auto ec = co_await resolve(hs, proxy ? proxy->host : key.host, proxy ? proxy->port : key.port)) {
            failure.ec = ec;
            failure.phase = proxy ? "resolving proxy " + proxy->host : "resolving the host name";
            co_return nullptr;
        }
        auto conn = std::make_unique<connection>();
        conn->buffer.reserve(read_buffer_size);
        beast::tcp_stream stream(ex);
        stream.expires_after(options.timeouts.connect);
        auto [ec, endpoint] = co_await stream.async_connect(*hs.endpoints, use_tuple);
        if (ec) {
            failure.ec = ec;
            failure.phase = proxy ? "connecting to proxy " + proxy->host + ":" + std::to_string(proxy->port) : "connecting";
            co_return nullptr;
        }
        boost::system::error_code ignored;
        stream.socket().set_option(tcp::no_delay(true), ignored);
        if (proxy && !co_await tunnel(stream, key, *proxy, failure)) co_return nullptr;
        ++stats.connections_opened;
        if (key.scheme == "http") {
            conn->plain.emplace(std::move(stream));
            co_return conn;
        }
        conn->tls.emplace(std::move(stream), tls_ctx);
        auto& tls = *conn->tls;
        if (!SSL_set_tlsext_host_name(tls.native_handle(), key.host.c_str())) {
            failure.ec = std::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
            failure.phase = "setting the TLS server name";
            co_return nullptr;
        }
        tls.set_verify_callback(asio::ssl::host_name_verification(key.host));
        beast::get_lowest_layer(tls).expires_after(options.timeouts.tls);
        active.insert(conn.get());
        auto [handshake_ec] = co_await tls.async_handshake(asio::ssl::stream_base::client, use_tuple);
        active.erase(conn.get());
        if (handshake_ec) {
            failure.ec = handshake_ec;
            failure.phase = "the TLS handshake with " + key.host + " (certificate not trusted, expired or for another host?)";
            co_return nullptr;
        }
        co_return conn;
    }

    // Reads the body into `parser` and maps its errors; false when out.ec was set.
    template <class Stream, class Parser>
    asio::awaitable<bool> read_body(Stream& stream, connection& conn, Parser& parser, exchange_result& out, std::size_t limit) {
        parser.body_limit(limit);
        conn.lowest().expires_after(options.timeouts.body);
        auto [ec, n] = co_await bhttp::async_read(stream, conn.buffer, parser, use_tuple);
        conn.lowest().expires_never();
        if (!ec) co_return true;
        out.ec = ec == bhttp::error::body_limit ? std::error_code(errc::body_too_large) : std::error_code(ec);
        out.phase = ec == bhttp::error::body_limit ? "reading the body (limit " + std::to_string(limit) + " bytes)" : "reading the body";
        co_return false;
    }

    template <class Stream>
    asio::awaitable<exchange_result> exchange(Stream& stream, connection& conn, const bhttp::request<bhttp::string_body>& breq,
                                              const request& req) {
        exchange_result out;
        auto& lowest = conn.lowest();
        lowest.expires_after(options.timeouts.write);
        if (auto [ec, n] = co_await bhttp::async_write(stream, breq, use_tuple); ec) {
            out.ec = ec;
            out.closed_by_peer = is_closed_by_peer(ec);
            out.phase = "sending the request";
            co_return out;
        }
        const bool head = breq.method() == bhttp::verb::head;
        const std::size_t limit = req.body_limit.value_or(options.body_limit);
        bhttp::response_parser<bhttp::empty_body> header_parser;
        header_parser.header_limit(header_limit);
        header_parser.body_limit(limit); // a Content-Length over it fails here, before any body byte
        header_parser.skip(head);
        lowest.expires_after(options.timeouts.first_byte);
        auto [header_ec, header_bytes] = co_await bhttp::async_read_header(stream, conn.buffer, header_parser, use_tuple);
        out.any_response_bytes = header_bytes > 0 || conn.buffer.size() > 0 || header_parser.got_some();
        if (header_ec) {
            out.ec = header_ec;
            out.closed_by_peer = is_closed_by_peer(header_ec);
            if (header_ec == bhttp::error::body_limit) {
                out.ec = errc::body_too_large;
                out.phase = "reading the response header (Content-Length over the limit of " + std::to_string(limit) + " bytes)";
            } else if (header_ec == bhttp::error::header_limit) {
                out.phase = "reading the response header (over " + std::to_string(header_limit) + " bytes)";
            } else if (header_ec == beast::error::timeout) {
                out.phase = "waiting for the response (" + seconds_text(options.timeouts.first_byte) + " limit)";
            } else {
                out.phase = "reading the response header";
            }
            co_return out;
        }
        const auto& header = header_parser.get();
        out.res.status = header.result_int();
        for (const auto& field : header) {
            out.res.headers[ascii_lower(field.name_string())] = std::string(field.value());
        }
        content_coding coding{};
        if (!parse_content_coding(header[bhttp::field::content_encoding], coding)) {
            out.ec = errc::unsupported_content_coding;
            out.phase = "decoding Content-Encoding '" + std::string(header[bhttp::field::content_encoding]) + "'";
            co_return out;
        }
        if (req.on_body && out.res.status == 200 && !head) {
            body_decoder decoder(coding, limit);
            bhttp::response_parser<sink_body> parser(std::move(header_parser));
            parser.get().body().decoder = &decoder;
            parser.get().body().sink = &req.on_body;
            if (!co_await read_body(stream, conn, parser, out, limit)) {
                if (auto refused = parser.get().body().error) {
                    out.ec = refused;
                    out.phase = "decoding the body";
                }
                co_return out;
            }
            out.keep_alive = parser.get().keep_alive();
            stats.bytes += decoder.produced();
            co_return out;
        }
        std::string raw; // as sent; the parsers already enforced the limit on its length
        if (const auto length = header_parser.content_length(); length && !header_parser.is_done()) {
            if (!co_await read_sized_body(stream, conn, static_cast<std::size_t>(*length), raw, out)) co_return out;
            out.keep_alive = header_parser.keep_alive();
        } else {
            bhttp::response_parser<appending_string_body> parser(std::move(header_parser));
            parser.get().body().limit = limit;
            if (!co_await read_body(stream, conn, parser, out, limit)) co_return out;
            raw = std::move(parser.get().body().text);
            out.keep_alive = parser.get().keep_alive();
        }
        if (coding == content_coding::identity) {
            out.res.body = std::move(raw);
        } else if (auto ec = decode_body(coding, raw, limit, out.res.body)) {
            out.ec = ec;
            out.phase = "decoding the body";
            co_return out;
        }
        stats.bytes += out.res.body.size();
        co_return out;
    }

    // A body of known length goes from the socket straight into its string: through a body
    // parser every byte would be copied once more, from the read buffer (a tenth of the CPU
    // on large bodies). What the header read already buffered comes first. The string grows
    // as bytes arrive (reserving only address space up front), so a Content-Length that lies
    // costs no memory.
    template <class Stream>
    asio::awaitable<bool> read_sized_body(Stream& stream, connection& conn, std::size_t length, std::string& body, exchange_result& out) {
        body.reserve(length);
        body.resize(std::min(length, conn.buffer.size()));
        conn.buffer.consume(asio::buffer_copy(asio::buffer(body), conn.buffer.data()));
        conn.lowest().expires_after(options.timeouts.body);
        while (body.size() < length) {
            const std::size_t have = body.size();
            body.resize(std::min(length, std::max(2 * have, sized_body_step)));
            auto [ec, n] = co_await asio::async_read(stream, asio::buffer(body.data() + have, body.size() - have), use_tuple);
            if (ec) {
                conn.lowest().expires_never();
                // The connection ended before Content-Length bytes: the parser's name for it.
                out.ec = ec == asio::error::eof ? boost::system::error_code(bhttp::error::partial_message) : ec;
                out.phase = "reading the body";
                co_return false;
            }
        }
        conn.lowest().expires_never();
        co_return true;
    }

    // One attempt: a pooled connection (or a new one), one exchange. A reused connection that
    // the server had already closed is replaced once by a fresh one, for idempotent methods.
    asio::awaitable<exchange_result> attempt(host_state& hs, const target& t, const request& req) {
        bhttp::request<bhttp::string_body> breq{bhttp::string_to_verb(req.method), t.origin_form, 11};
        const bool default_port = t.key.port == (t.key.scheme == "https" ? 443 : 80);
        breq.set(bhttp::field::host, default_port ? t.key.host : t.key.host + ":" + std::to_string(t.key.port));
        breq.set(bhttp::field::user_agent, options.user_agent);
        breq.set(bhttp::field::accept_encoding, "gzip, deflate");
        if (!t.authorization.empty()) breq.set(bhttp::field::authorization, t.authorization);
        for (const auto& [name, value] : req.headers) breq.set(name, value); // an explicit --header wins
        if (!req.body.empty()) {
            breq.body() = req.body;
            breq.prepare_payload();
        }
        const bool idempotent = req.method == "GET" || req.method == "HEAD";
        for (;;) {
            std::unique_ptr<connection> conn;
            bool reused = false;
            exchange_result result;
            if (!hs.idle.empty()) {
                conn = std::move(hs.idle.back());
                hs.idle.pop_back();
                reused = true;
                ++stats.connections_reused;
            } else {
                conn = co_await connect(hs, t.key, result);
                if (!conn) co_return result;
            }
            ++stats.attempts;
            active.insert(conn.get());
            if (conn->tls) result = co_await exchange(*conn->tls, *conn, breq, req);
            else result = co_await exchange(*conn->plain, *conn, breq, req);
            active.erase(conn.get());
            if (result.ec && result.closed_by_peer && reused && idempotent && !result.any_response_bytes && !cancelled) {
                conn->close(); // stale keep-alive connection: try again on another
                ++stats.stale_resends;
                continue;
            }
            if (!result.ec && result.keep_alive && !cancelled && hs.idle.size() < hs.cap)
                hs.idle.push_back(std::move(conn));
            else
                conn->close();
            co_return result;
        }
    }

    fetch_result fail(fetch_result out, std::error_code ec, const std::string& method, const std::string& url, std::string why) {
        out.ec = ec;
        out.error = method + " " + url + ": " + std::move(why);
        return out;
    }

    asio::awaitable<fetch_result> fetch(const request& original) {
        request req = original; // redirects may change the method and drop credentials
        req.headers.insert(req.headers.begin(), options.headers.begin(), options.headers.end());
        fetch_result out;
        auto t = parse_target(req.url);
        if (!t) co_return fail(std::move(out), errc::bad_url, req.method, req.url, "not an absolute http or https URL");
        if (!co_await workers.acquire() || cancelled)
            co_return fail(std::move(out), errc::cancelled, req.method, t->url, "cancelled");
        struct release_on_exit {
            async_semaphore& s;
            ~release_on_exit() { s.release(); }
        } worker_guard{workers};
        stats.peak_in_flight = std::max(stats.peak_in_flight, workers.in_use());

        limit::retry_state retries(options.retry);
        std::set<std::string> visited{t->url};
        std::size_t redirects = 0;
        for (;;) {
            auto& hs = host(t->key);
            const auto waiting_since = std::chrono::steady_clock::now();
            if (!co_await hs.slots.acquire() || cancelled)
                co_return fail(std::move(out), errc::cancelled, req.method, t->url, "cancelled");
            struct release_slot {
                async_semaphore& s;
                ~release_slot() { s.release(); }
            } slot_guard{hs.slots};
            // Waiting for a slot or a token is not part of any timeout: phases start below.
            if (!co_await wait_turn(hs, retries.remaining_budget())) {
                if (cancelled) co_return fail(std::move(out), errc::cancelled, req.method, t->url, "cancelled");
                // A host that asked for more time than this request has left is not asked at all.
                const auto asked = std::chrono::ceil<std::chrono::seconds>(hs.asked_until - clock::now());
                co_return fail(std::move(out), errc::retries_exhausted, req.method, t->url,
                               "not sent: the host asked for Retry-After " + seconds_text(asked) + " more, beyond the retry budget (" +
                                   seconds_text(retries.remaining_budget()) + " left)");
            }
            ++out.attempts;
            if (req.on_restart) req.on_restart(); // a streamed body starts over with every attempt
            const auto sent = std::chrono::steady_clock::now();
            stats.limiter_wait += sent - waiting_since;
            auto result = co_await attempt(hs, *t, req);
            const auto answered = std::chrono::steady_clock::now();
            const auto took = answered - sent;
            if (!result.ec && hs.limiter.answered(sent, answered, result.res.status == 429 || result.res.status == 503)) wake_waiters(hs);
            stats.network += took;
            if (!result.ec) stats.latency.record(took);
            if (log.enabled(log_level::debug)) log_attempt(req.method, t->url, result, out.attempts, took);
            if (cancelled) co_return fail(std::move(out), errc::cancelled, req.method, t->url, "cancelled");

            std::optional<std::chrono::seconds> retry_after;
            std::string body_error; // a 200 the source cannot use
            if (result.ec) {
                if (!limit::is_retryable_error(result.ec))
                    co_return fail(std::move(out), result.ec, req.method, t->url, result.ec.message() + " while " + result.phase);
            } else {
                ++stats.by_status[result.res.status];
                const unsigned status = result.res.status;
                if (is_redirect(status) && req.method != "POST") {
                    const auto location = result.res.header("location");
                    auto next = location.empty() ? std::nullopt : resolve_location(*t, location);
                    if (!next)
                        co_return fail(std::move(out), errc::bad_url, req.method, t->url,
                                       "HTTP " + std::to_string(status) + " with an unusable Location '" + std::string(location) + "'");
                    if (t->key.scheme == "https" && next->key.scheme != "https")
                        co_return fail(std::move(out), errc::insecure_redirect, req.method, t->url, "redirect to " + next->url + " refused (https to http)");
                    if (!visited.insert(next->url).second)
                        co_return fail(std::move(out), errc::redirect_loop, req.method, t->url, "redirect loop back to " + next->url);
                    if (++redirects > options.max_redirects)
                        co_return fail(std::move(out), errc::too_many_redirects, req.method, t->url,
                                       "more than " + std::to_string(options.max_redirects) + " redirects");
                    if (status == 303) req.method = "GET";
                    if (next->key.host != t->key.host || next->key.port != t->key.port)
                        std::erase_if(req.headers, [](const auto& h) { return is_credential_header(h.first); });
                    t = std::move(next);
                    continue; // slot_guard releases this host's slot
                }
                const bool permanent = req.is_permanent && req.is_permanent(result.res);
                if (permanent && log.enabled(log_level::debug)) {
                    const auto shown = redact_url(t->url);
                    log.debug(req.method + " " + shown + ": HTTP " + std::to_string(status) + " is permanent (the body says so): not retried",
                              {{"event", "permanent"}, {"method", req.method}, {"url", shown}, {"status", status}});
                }
                if (status == 200 && req.check_body) body_error = req.check_body(result.res);
                if ((!limit::is_retryable_status(status) && body_error.empty()) || permanent) {
                    out.res = std::move(result.res);
                    out.res.url = t->url;
                    co_return out;
                }
                if (auto value = result.res.header("retry-after"); !value.empty())
                    retry_after = limit::parse_retry_after(value, std::chrono::system_clock::now());
                if (retry_after && (status == 429 || status == 503)) {
                    // The whole host waits, not just this request; never longer than the budget.
                    const auto pause = std::min<std::chrono::milliseconds>(*retry_after, retries.remaining_budget());
                    hs.asked_until = std::max(hs.asked_until, clock::now() + *retry_after);
                    if (hs.limiter.pause_until(clock::now() + pause, clock::now())) wake_waiters(hs);
                    if (log.enabled(log_level::debug))
                        log.debug("pausing " + t->key.host + " for " + seconds_text(pause) + " (Retry-After on HTTP " + std::to_string(status) + ")",
                                  {{"event", "pause"}, {"host", t->key.host}, {"pause_ms", pause.count()}, {"status", status}});
                }
                out.res = std::move(result.res);
                out.res.url = t->url;
            }
            const auto wait = retries.next_wait(retry_after, unit_random());
            if (!wait) {
                if (!body_error.empty())
                    co_return fail(std::move(out), errc::malformed_body, req.method, t->url,
                                   body_error + " (HTTP 200, on each of " + std::to_string(out.attempts) + " attempts)");
                std::string last = result.ec ? result.ec.message() + " while " + result.phase : "HTTP " + std::to_string(out.res.status);
                if (retry_after && *retry_after > retries.remaining_budget())
                    last += " with Retry-After " + std::to_string(retry_after->count()) + " s, beyond the retry budget (" +
                            seconds_text(retries.remaining_budget()) + " left)";
                co_return fail(std::move(out), errc::retries_exhausted, req.method, t->url,
                               last + " after " + std::to_string(out.attempts) + (out.attempts == 1 ? " attempt" : " attempts"));
            }
            ++stats.retries;
            if (log.enabled(log_level::debug)) {
                const auto shown = redact_url(t->url);
                log.debug("retrying " + req.method + " " + shown + " in " + seconds_text(std::chrono::duration_cast<std::chrono::milliseconds>(*wait)) +
                              " (attempt " + std::to_string(out.attempts + 1) + ")",
                          {{"event", "retry"}, {"method", req.method}, {"url", shown}, {"attempt", out.attempts + 1},
                           {"wait_ms", std::chrono::duration<double, std::milli>(*wait).count()}});
            }
            if (!co_await sleep_until(clock::now() + *wait))
                co_return fail(std::move(out), errc::cancelled, req.method, t->url, "cancelled");
        }
    }

    // One attempt at debug level: method, redacted URL, status (or the error), attempt, time.
    void log_attempt(const std::string& method, const std::string& url, const exchange_result& result, int attempt,
                     std::chrono::steady_clock::duration took) const {
        const auto shown = redact_url(url);
        const double ms = std::chrono::duration<double, std::milli>(took).count();
        char time[32];
        std::snprintf(time, sizeof time, "%.1f ms", ms);
        const std::string outcome = result.ec ? result.ec.message() + " while " + result.phase : "HTTP " + std::to_string(result.res.status);
        log.debug(method + " " + shown + " -> " + outcome + " (attempt " + std::to_string(attempt) + ", " + time + ")",
                  {{"event", "request"}, {"method", method}, {"url", shown}, {"status", result.ec ? 0u : result.res.status},
                   {"error", result.ec ? result.ec.message() : std::string()}, {"attempt", attempt}, {"ms", ms}});
    }

    static std::optional<target> resolve_location(const target& base, std::string_view location) {
        auto ref = urls::parse_uri_reference(location);
        auto base_url = urls::parse_uri(base.url);
        if (!ref || !base_url) return std::nullopt;
        urls::url resolved;
        if (!urls::resolve(*base_url, *ref, resolved)) return std::nullopt;
        return parse_target(resolved.buffer());
    }

    void cancel_all() {
        cancelled = true;
        workers.cancel_all();
        for (auto& [key, hs] : hosts) {
            hs->slots.cancel_all();
            for (auto& c : hs->idle) c->close();
            hs->idle.clear();
        }
        for (auto* c : active) c->close();
        for (auto* t : sleeping) t->cancel();
    }
};

client::client(asio::any_io_executor ex, client_options options, const logger& log)
    : impl_(std::make_unique<impl>(std::move(ex), std::move(options), log)) {}
client::~client() = default;

asio::awaitable<fetch_result> client::fetch(const request& req) { return impl_->fetch(req); }
void client::cancel_all() { impl_->cancel_all(); }
asio::awaitable<bool> client::sleep_for(std::chrono::milliseconds d) { return impl_->sleep_until(clock::now() + d); }
std::size_t client::in_flight() const noexcept { return impl_->workers.in_use(); }
const client_stats& client::stats() const { return impl_->current_stats(); }
const client_options& client::options() const noexcept { return impl_->options; }

} // namespace harvest::http
