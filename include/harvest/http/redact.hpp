#pragma once
// Credentials never reach logs, summaries, manifests, state or failure records: URLs lose their
// user:password and the values of token-like query parameters, header values given with
// --header lose everything after the name when the name is a credential.
#include <string>
#include <string_view>
#include <vector>

namespace harvest::http {

// "https://u:p@h/x?token=abc&page=2" -> "https://***@h/x?token=***&page=2".
std::string redact_url(std::string_view url);
// Every http:// or https:// URL inside `text`, redacted.
std::string redact_text(std::string_view text);
// A header ("Authorization: Bearer x") or a query parameter is a credential when its name is
// Authorization, Proxy-Authorization, Cookie or contains "token", "key", "secret", "auth",
// "password" or "signature" (any case).
bool is_credential_header(std::string_view name);
// A --header argument as it may be shown: "Authorization: ***" for a credential (also when it
// is malformed, "Authorization ***"), else unchanged.
std::string redact_header(std::string_view header);
// argv as one line, with --header credentials and URLs redacted.
std::string redact_command_line(const std::vector<std::string>& argv);

} // namespace harvest::http
