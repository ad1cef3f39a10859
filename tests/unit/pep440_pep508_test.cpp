#include <harvest/sources/pypi/pep440.hpp>
#include <harvest/sources/pypi/pep508.hpp>

#include <doctest/doctest.h>

using namespace harvest::sources;

namespace {

pep440_version v(std::string_view s) {
    auto parsed = pep440_version::parse(s);
    REQUIRE_MESSAGE(parsed, s);
    return *parsed;
}

bool satisfies(std::string_view version, std::string_view spec) {
    auto s = pep440_specifier::parse(spec);
    REQUIRE_MESSAGE(s, spec);
    return s->contains(v(version));
}

} // namespace

TEST_CASE("PEP 440: spellings normalise, and versions order dev < pre < final < post, locals after") {
    CHECK(v("1.0RC1").public_part() == "1.0rc1");
    CHECK(v("v2.0-1").public_part() == "2.0.post1");
    CHECK(v("1.0.0") == v("1.0"));
    CHECK(v("1!0.1") > v("99.0"));
    const std::vector<std::string> ascending{"1.0.dev1", "1.0a1", "1.0a2.dev1", "1.0a2", "1.0b1", "1.0rc1", "1.0", "1.0+local.7", "1.0.post1.dev1", "1.0.post1", "1.1"};
    for (std::size_t i = 1; i < ascending.size(); ++i) CHECK_MESSAGE(v(ascending[i - 1]) < v(ascending[i]), ascending[i - 1] << " < " << ascending[i]);
    CHECK_FALSE(pep440_version::parse("dev"));
    CHECK_FALSE(pep440_version::parse("1.0-beta-final"));
}

TEST_CASE("PEP 440: specifiers as pip applies them") {
    CHECK(satisfies("4.6.7", "<4.7,>=4.6.7"));
    CHECK_FALSE(satisfies("4.7", "<4.7,>=4.6.7"));
    CHECK(satisfies("2.2.5", "~=2.2"));
    CHECK_FALSE(satisfies("3.0", "~=2.2"));
    CHECK(satisfies("1.4.9", "~=1.4.5"));
    CHECK_FALSE(satisfies("1.5.0", "~=1.4.5"));
    CHECK(satisfies("1.2.3", "==1.2.*"));
    CHECK_FALSE(satisfies("1.3", "==1.2.*"));
    CHECK(satisfies("1.3", "!=1.2.*"));
    CHECK(satisfies("1.0+abc", "==1.0"));
    CHECK_FALSE(satisfies("2.0rc1", ">=1.0")); // pre-releases excluded unless named
    CHECK(satisfies("2.0rc1", ">=2.0rc1"));
    CHECK_FALSE(satisfies("1.7.1.post1", ">1.7.1")); // not a post-release of the version itself
    CHECK(satisfies("1.7.2", ">1.7.1"));
    CHECK(satisfies("3.7.0", "")); // no specifier: any version
    std::string why;
    CHECK_FALSE(pep440_specifier::parse(">dev", &why));
    CHECK(why == "'dev' is no PEP 440 version");
    CHECK_FALSE(pep440_specifier::parse("~=1", &why));
    const auto spec = pep440_specifier::parse(">=1.0,<3");
    CHECK(spec->newest({"0.9", "1.0", "2.9", "2.10", "3.0", "3.0rc1", "not a version"}) == "2.10");
    CHECK(pep440_specifier::parse(">=3.5")->newest({"3.0", "4.0b1"}) == "4.0b1"); // a pre-release when nothing else fits
    CHECK_FALSE(pep440_specifier::parse(">=5")->newest({"3.0", "4.0"}));
}

TEST_CASE("PEP 508: requirements in both spellings, with extras, URLs and markers") {
    auto r = parse_requirement("kombu (<4.7,>=4.6.7)");
    REQUIRE(r);
    CHECK(r->name == "kombu");
    CHECK(r->specifier == "<4.7,>=4.6.7");
    r = parse_requirement("pymongo[srv,tls] (>=3.3.0) ; extra == 'mongodb'");
    REQUIRE(r);
    CHECK(r->extras == std::vector<std::string>{"srv", "tls"});
    CHECK(r->marker == "extra == 'mongodb'");
    r = parse_requirement("requests>=2.0; python_version >= \"3\"");
    CHECK(r->specifier == ">=2.0");
    r = parse_requirement("pip @ https://example.org/pip.whl");
    CHECK(r->url == "https://example.org/pip.whl");
    std::string why;
    CHECK_FALSE(parse_requirement("(broken", &why));
    CHECK(why == "requirement '(broken': no valid project name at its start");
}

TEST_CASE("PEP 508: markers against Python 3.12 on Linux, extras only when installed") {
    const auto env = environment_for("3.12", "linux");
    REQUIRE(env);
    auto holds = [&](std::string_view marker, std::string_view extra = "") {
        std::string why;
        auto value = evaluate_marker(marker, *env, extra, &why);
        REQUIRE_MESSAGE(value, why);
        return *value;
    };
    CHECK_FALSE(holds("extra == 'arangodb'"));
    CHECK(holds("extra == 'ArangoDB'", "arangodb"));
    CHECK_FALSE(holds("(python_version < \"3.3\") and extra == 'lzma'", "lzma"));
    CHECK(holds("(python_version >= \"3.8.0\") and extra == 'tblib'", "tblib")); // 3.12 >= 3.8.0 as versions, not strings
    CHECK_FALSE(holds("(platform_python_implementation == \"PyPy\") and extra == 'brotli'", "brotli"));
    CHECK(holds("sys_platform == 'linux' or sys_platform == 'win32'"));
    CHECK_FALSE(holds("sys_platform == 'win32'"));
    CHECK(holds("'linux' in sys_platform"));
    CHECK(holds("platform_system != \"Windows\" and python_version > '2.7'"));
    CHECK_FALSE(holds("python_version == '2.7'"));
    std::string why;
    CHECK_FALSE(evaluate_marker("python_version >", *env, "", &why));
    CHECK_FALSE(evaluate_marker("flavour == 'x'", *env, "", &why));
    CHECK(why == "marker 'flavour == 'x'': unknown variable 'flavour'");
    CHECK_FALSE(environment_for("3", "linux"));
    CHECK_FALSE(environment_for("3.12", "beos"));
    CHECK(environment_for("3.9", "windows")->values.at("sys_platform") == "win32");
}
