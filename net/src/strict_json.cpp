#include "strict_json.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <cstdint>
#include <cstring>
#include <unordered_set>
#include <vector>

namespace lifeline::net {
namespace json = boost::json;

namespace {

// boost::json's own parse handler (a value_stack fed by the parser's events), plus a
// record of the keys seen in each open object. Keys go into one hash set, tagged with
// their object's serial number, so a check costs O(1) even for an object of 100,000
// keys (a 1 MiB body can hold that many).
class StrictHandler {
  public:
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    StrictHandler(unsigned char* temp, std::size_t size) : st(json::storage_ptr(), temp, size) {
        st.reset();
    }

    json::value_stack st;
    std::string duplicate;  // set when a key repeats

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }

    bool on_object_begin(json::error_code&) {
        frames_.push_back({true, next_serial_++, 0, {}});
        return true;
    }
    bool on_object_end(std::size_t n, json::error_code&) {
        st.push_object(n);
        frames_.pop_back();
        value_done();
        return true;
    }
    bool on_array_begin(json::error_code&) {
        frames_.push_back({false, 0, 0, {}});
        return true;
    }
    bool on_array_end(std::size_t n, json::error_code&) {
        st.push_array(n);
        frames_.pop_back();
        value_done();
        return true;
    }

    bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
        st.push_chars(s);
        key_.append(s.data(), s.size());
        return true;
    }
    bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
        st.push_key(s);
        key_.append(s.data(), s.size());
        Frame& top = frames_.back();
        std::string tagged(sizeof top.serial, '\0');
        std::memcpy(tagged.data(), &top.serial, sizeof top.serial);
        tagged += key_;
        top.key.swap(key_);
        key_.clear();
        if (!seen_.insert(std::move(tagged)).second) {
            duplicate = path();
            ec = make_error_code(boost::system::errc::invalid_argument);
            return false;
        }
        return true;
    }

    bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_string(json::string_view s, std::size_t, json::error_code&) {
        st.push_string(s);
        value_done();
        return true;
    }
    bool on_number_part(json::string_view, json::error_code&) { return true; }
    bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
        st.push_int64(i);
        value_done();
        return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
        st.push_uint64(u);
        value_done();
        return true;
    }
    bool on_double(double d, json::string_view, json::error_code&) {
        st.push_double(d);
        value_done();
        return true;
    }
    bool on_bool(bool b, json::error_code&) {
        st.push_bool(b);
        value_done();
        return true;
    }
    bool on_null(json::error_code&) {
        st.push_null();
        value_done();
        return true;
    }
    bool on_comment_part(json::string_view, json::error_code&) { return true; }
    bool on_comment(json::string_view, json::error_code&) { return true; }

  private:
    struct Frame {
        bool object;
        std::uint64_t serial;  // objects: tags their keys in seen_
        std::size_t index;     // arrays: the element being read
        std::string key;       // objects: the member being read
    };

    // A value of an array is complete: the next one has the next index.
    void value_done() {
        if (!frames_.empty() && !frames_.back().object)
            ++frames_.back().index;
    }

    // The field path of the current key, as the API's field errors name fields.
    std::string path() const {
        std::string out;
        for (const Frame& f : frames_) {
            if (f.object) {
                if (!out.empty())
                    out += '.';
                out += f.key;
            } else {
                out += '[' + std::to_string(f.index) + ']';
            }
        }
        return out;
    }

    std::vector<Frame> frames_;
    std::unordered_set<std::string> seen_;
    std::string key_;  // the key being read, when it arrives in parts
    std::uint64_t next_serial_ = 0;
};

}  // namespace

StrictJsonResult parse_strict_json(std::string_view text) {
    StrictJsonResult out;
    unsigned char temp[BOOST_JSON_STACK_BUFFER_SIZE];
    json::basic_parser<StrictHandler> parser(json::parse_options(), temp, sizeof temp);
    const std::size_t used = parser.write_some(false, text.data(), text.size(), out.error);
    if (!parser.handler().duplicate.empty()) {
        out.duplicate_key = std::move(parser.handler().duplicate);
        out.error = {};
        return out;
    }
    if (!out.error && used < text.size())
        out.error = json::make_error_code(json::error::extra_data);
    if (!out.error)
        out.value = parser.handler().st.release();
    return out;
}

}  // namespace lifeline::net
