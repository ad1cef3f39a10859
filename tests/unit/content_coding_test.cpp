#include <harvest/http/content_coding.hpp>

#include "support/fixture_files.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <fstream>
#include <sstream>

using harvest::test::fixture_text;
using harvest::test::read_text;
using namespace harvest::http;
using harvest::errc;

namespace {


std::string zlib_compress(const std::string& in, int window_bits) {
    z_stream zs{};
    REQUIRE(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&zs, in.size()), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

} // namespace

TEST_CASE("gzip round-trips a real body") {
    const auto body = fixture_text("pypi/celery.json");
    const auto compressed = gzip_compress(body);
    CHECK(compressed.size() < body.size() / 3);
    std::string out;
    CHECK_FALSE(decode_body(content_coding::gzip, compressed, 64 << 20, out));
    CHECK(out == body);
}

TEST_CASE("deflate is accepted both as a zlib stream and as raw deflate") {
    const auto body = fixture_text("pypi/six.json");
    std::string out;
    CHECK_FALSE(decode_body(content_coding::deflate, zlib_compress(body, MAX_WBITS), 1 << 20, out));
    CHECK(out == body);
    CHECK_FALSE(decode_body(content_coding::deflate, zlib_compress(body, -MAX_WBITS), 1 << 20, out));
    CHECK(out == body);
}

TEST_CASE("a decompression bomb stops at the limit") {
    const std::string zeros(16 << 20, '\0');
    const auto bomb = gzip_compress(zeros);
    REQUIRE(bomb.size() < 64 * 1024);
    std::string out;
    CHECK(decode_body(content_coding::gzip, bomb, 1 << 20, out) == errc::body_too_large);
    CHECK(out.empty());
}

TEST_CASE("truncated or corrupt compressed bodies are errors, not short bodies") {
    const auto compressed = gzip_compress(fixture_text("pypi/pytest.json"));
    std::string out;
    CHECK(decode_body(content_coding::gzip, compressed.substr(0, compressed.size() / 2), 1 << 20, out) == errc::bad_content_coding);
    CHECK(out.empty());
    CHECK(decode_body(content_coding::gzip, "definitely not gzip", 1 << 20, out) == errc::bad_content_coding);
}

TEST_CASE("identity bodies obey the limit too") {
    std::string out;
    CHECK(decode_body(content_coding::identity, std::string(11, 'x'), 10, out) == errc::body_too_large);
    CHECK_FALSE(decode_body(content_coding::identity, std::string(10, 'x'), 10, out));
    CHECK(out.size() == 10);
}

TEST_CASE("Content-Encoding values are parsed case-insensitively") {
    content_coding c{};
    CHECK((parse_content_coding("gzip", c) && c == content_coding::gzip));
    CHECK((parse_content_coding(" GZIP ", c) && c == content_coding::gzip));
    CHECK((parse_content_coding("x-gzip", c) && c == content_coding::gzip));
    CHECK((parse_content_coding("Deflate", c) && c == content_coding::deflate));
    CHECK((parse_content_coding("", c) && c == content_coding::identity));
    CHECK_FALSE(parse_content_coding("br", c));
    CHECK_FALSE(parse_content_coding("gzip, br", c));
}

TEST_CASE("the decoded size may equal the limit, not pass it, whatever the first buffer guess") {
    const std::string body = fixture_text("pypi/celery.json");
    // gzip: the first guess is the size trailer; zlib has none, so four times the input, then doubling.
    const std::pair<content_coding, std::string> cases[] = {{content_coding::gzip, gzip_compress(body)},
                                                            {content_coding::deflate, zlib_compress(body, MAX_WBITS)}};
    for (const auto& [coding, compressed] : cases) {
        std::string out;
        CHECK_FALSE(decode_body(coding, compressed, body.size(), out));
        CHECK(out == body);
        CHECK(decode_body(coding, compressed, body.size() - 1, out) == errc::body_too_large);
        CHECK(out.empty());
    }
}

TEST_CASE("a body far beyond four times its compressed size decodes whole (the buffer grows)") {
    const std::string zeros(3 << 20, '\0'); // about 1000:1, with no size trailer in a zlib stream
    std::string out;
    CHECK_FALSE(decode_body(content_coding::deflate, zlib_compress(zeros, MAX_WBITS), 64 << 20, out));
    CHECK(out == zeros);
}

TEST_CASE("a gzip body under Content-Encoding: deflate is still decoded, a lying size trailer is corrupt") {
    const auto body = fixture_text("pypi/six.json");
    auto compressed = gzip_compress(body);
    std::string out;
    CHECK_FALSE(decode_body(content_coding::deflate, compressed, 1 << 20, out));
    CHECK(out == body);
    compressed.back() = '\x7f'; // the size trailer's top byte: it now claims about 2 GiB
    CHECK(decode_body(content_coding::gzip, compressed, 64 << 20, out) == errc::bad_content_coding);
    CHECK(out.empty());
}
