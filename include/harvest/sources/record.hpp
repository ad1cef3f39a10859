#pragma once
// A harvested record as the pipeline sees it: opaque, with its three renderings. A source keeps
// its typed fields in a plain struct (filled by its parsers) and supplies, next to it, the free
// functions write_record_object, render_text and chat_turns for that struct; make_record wraps it.
// The engine and the converter never name a source's record type.
#include <harvest/export/json_writer.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harvest::sources {

struct chat_turn {
    std::string question;
    std::string answer;
};

class record {
public:
    virtual ~record() = default;
    // The typed fields as one JSON object (the "record" member of the raw format).
    virtual void write_object(exporting::json_writer& w) const = 0;
    // A faithful English rendering of the present fields, for language-model training.
    virtual std::string text() const = 0;
    // Question-answer pairs derived only from the fields present, in a fixed order.
    virtual std::vector<chat_turn> chat() const = 0;
};

using record_ptr = std::unique_ptr<const record>;

template <class Fields>
class typed_record final : public record {
public:
    explicit typed_record(Fields fields) : fields_(std::move(fields)) {}
    const Fields& fields() const noexcept { return fields_; }
    void write_object(exporting::json_writer& w) const override { write_record_object(w, fields_); }
    std::string text() const override { return render_text(fields_); }
    std::vector<chat_turn> chat() const override { return chat_turns(fields_); }

private:
    Fields fields_;
};

template <class Fields>
record_ptr make_record(Fields fields) {
    return std::make_unique<typed_record<Fields>>(std::move(fields));
}

// `"key": value` when the value is present.
template <class T>
void write_optional(exporting::json_writer& w, std::string_view key, const std::optional<T>& v) {
    if (v) w.key(key).value(*v);
}

} // namespace harvest::sources
