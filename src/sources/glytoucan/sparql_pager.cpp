#include <harvest/sources/glytoucan/sparql_pager.hpp>

#include <algorithm>

namespace harvest::sources {

sparql_pager::sparql_pager(std::size_t page_size, glytoucan_graphs graphs)
    : page_size_(std::max<std::size_t>(1, page_size)), graphs_(std::move(graphs)) {}

std::string sparql_pager::query() const { return listing_query(graphs_, after_, page_size_); }

page_verdict sparql_pager::on_rows(std::vector<sparql_row> rows, std::vector<sparql_row>& accepted, std::optional<std::size_t> row_cap) {
    ++pages_;
    const bool maybe_cut = at_row_cap(rows.size(), row_cap);
    auto page = merge_rows(std::move(rows));
    // A server that ignored the keyset filter sends accessions already listed.
    std::erase_if(page, [&](const sparql_row& r) { return !after_.empty() && r.accession <= after_; });
    if (maybe_cut && page.size() > 1) page.pop_back(); // its rows may continue past the cut
    if (page.empty()) return listed_any_ ? page_verdict::done : page_verdict::no_accession;
    listed_any_ = true;
    after_ = page.back().accession;
    accepted = std::move(page);
    return page_verdict::more;
}

page_verdict sparql_pager::on_refusal(sparql_refusal) {
    if (page_size_ == 1) return page_verdict::give_up;
    page_size_ /= 2;
    return page_verdict::retry_smaller;
}

} // namespace harvest::sources
