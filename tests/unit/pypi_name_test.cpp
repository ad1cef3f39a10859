#include <harvest/sources/pypi/pypi_name.hpp>

#include <doctest/doctest.h>

using namespace harvest::sources;

TEST_CASE("project names normalise as PEP 503 says") {
    CHECK(normalize_project_name("Django-Split_Settings") == "django-split-settings");
    CHECK(normalize_project_name("boolean.py") == "boolean-py");
    CHECK(normalize_project_name("CAGE") == "cage");
    CHECK(normalize_project_name("discord.py") == "discord-py");
    CHECK(normalize_project_name("a__b--c.-_d") == "a-b-c-d");
    CHECK(normalize_project_name("0-._.-._.-._.-._.-._.-._.-0") == "0-0");
}

TEST_CASE("project names are validated as PEP 508 names") {
    CHECK(is_valid_project_name("requests"));
    CHECK(is_valid_project_name("zope.interface"));
    CHECK(is_valid_project_name("a"));
    CHECK_FALSE(is_valid_project_name(""));
    CHECK_FALSE(is_valid_project_name("-leading"));
    CHECK_FALSE(is_valid_project_name("trailing."));
    CHECK_FALSE(is_valid_project_name("../etc/passwd"));
    CHECK_FALSE(is_valid_project_name("white space"));
}
