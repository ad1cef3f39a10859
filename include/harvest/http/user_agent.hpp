#pragma once
// The User-Agent harvest sends, and whether one names a contact. PyPI asks clients for a unique
// User-Agent with contact details; other public APIs' operators need one to reach a user before
// they block. Pure.
#include <string>
#include <string_view>

namespace harvest::http {

// harvest/<version>, plus (+<project URL>) when the build names one (-DHARVEST_PROJECT_URL=...).
std::string default_user_agent();

// An e-mail address or an http(s) URL in the value.
bool has_contact(std::string_view user_agent) noexcept;

// The one warning line for a run that talks to a remote host without a contact.
std::string missing_contact_warning(std::string_view user_agent);

} // namespace harvest::http
