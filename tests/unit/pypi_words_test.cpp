#include <harvest/sources/pypi/pypi_words.hpp>

#include <doctest/doctest.h>

using namespace harvest::sources;

TEST_CASE("PyPI in words: version specifiers, lower bound first, exclusions last, stray commas dropped") {
    CHECK(versions_in_words(">=2.7, !=3.0.*, !=3.1.*,") == "2.7 or later, except 3.0 and 3.1");
    CHECK(versions_in_words("<4.0,>=3.6.1") == "3.6.1 or later and earlier than 4.0");
    CHECK(versions_in_words("~=1.4") == "compatible with 1.4");
    CHECK(versions_in_words("==1.3.*") == "any 1.3");
    CHECK(versions_in_words("==1.3.0") == "exactly 1.3.0");
    CHECK(versions_in_words("!=2.0") == "any version except 2.0");
    CHECK(versions_in_words(" , ") == "");
}

TEST_CASE("PyPI in words: requirements, with conditional ones marked and extras named, never raw markers") {
    CHECK(dependencies_in_words({"six", "attrs (>=17.4.0)", "requests[security] >=2.0"}) ==
          "it depends on six, attrs (17.4.0 or later) and requests (2.0 or later)");
    CHECK(dependencies_in_words({"funcsigs ; python_version < \"3.0\"", "pyArango (>=1.3.2) ; extra == 'arangodb'", "cryptography ; extra == \"auth\""}) ==
          "on some Python versions or platforms also on funcsigs; it has the optional extras arangodb and auth");
    CHECK(dependencies_in_words({"x ; extra == 'a'", "y ; extra == 'a'"}) == "it has the optional extra a");
    CHECK(dependencies_in_words({"pip @ https://example.org/pip.zip"}) == "it depends on pip (from a URL)");
    CHECK(dependencies_in_words({}) == "");
}

TEST_CASE("PyPI in words: a description's first paragraph of prose, without markup") {
    const std::string markdown = "# Project\n\n[![build](https://ci/badge.svg)](https://ci)\n\n"
                                 "A **fast** library for [parsing](https://example.org) `JSON` files,\nwith no dependencies at all.\n\n"
                                 "## Install\n\n    pip install project\n";
    CHECK(description_excerpt(markdown) == "A fast library for parsing JSON files, with no dependencies at all.");
    const std::string rst = "Project\n=======\n\n.. image:: https://badge\n\nThe *project* reads `files <https://example.org>`_ and\nwrites them again.\n";
    CHECK(description_excerpt(rst) == "The project reads files and writes them again.");
    CHECK(description_excerpt(std::string(1000, 'a') + " end of a long first line that keeps going", 50).size() <= 50);
    CHECK(description_excerpt("# Only a heading\n") == "");
}
