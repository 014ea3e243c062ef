#pragma once
// The building blocks of Lifeline's printable pages (the reports, the run sheets): a
// self-contained XHTML-style page with its stylesheet inline, and a table whose cells are
// escaped. Internal to lifeline_core.

#include <string>
#include <utility>
#include <vector>

#include "lifeline/core/reports/report_render.h"

namespace lifeline::html {

inline std::string e(std::string_view s) {
    return html_escape(s);
}

// `css` goes into the page's one <style> element as it is (a Content-Security-Policy may
// allow it by its hash); `lang` is the page's language, as BCP 47.
class HtmlPage {
  public:
    HtmlPage(const std::string& title, const char* css, const char* lang = "zh-CN") {
        out_ += "<!DOCTYPE html>\n<html lang=\"";
        out_ += lang;
        out_ += "\" xmlns=\"http://www.w3.org/1999/xhtml\">\n";
        out_ += "<head>\n<meta charset=\"utf-8\"/>\n";
        out_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
        out_ += "<title>" + e(title) + "</title>\n<style>" + css + "</style>\n</head>\n<body>\n";
    }
    HtmlPage& raw(const std::string& html) {
        out_ += html;
        return *this;
    }
    std::string finish() && {
        out_ += "</body>\n</html>\n";
        return std::move(out_);
    }

  private:
    std::string out_;
};

// A table: the header cells, then rows; `numeric[i]` right-aligns column i. `row` escapes
// its cells; `row_markup` takes cells that are markup already (escaped by the caller).
class Table {
  public:
    Table(std::vector<std::string> heads, std::vector<bool> numeric)
        : numeric_(std::move(numeric)) {
        out_ = "\n<thead><tr>";
        for (std::size_t i = 0; i < heads.size(); ++i)
            out_ += cell("th", i, e(heads[i]));
        out_ += "</tr></thead>\n<tbody>\n";
    }
    Table& row(const std::vector<std::string>& cells) {
        std::vector<std::string> escaped;
        escaped.reserve(cells.size());
        for (const std::string& c : cells)
            escaped.push_back(e(c));
        return row_markup(escaped);
    }
    Table& row_markup(const std::vector<std::string>& cells) {
        out_ += "<tr>";
        for (std::size_t i = 0; i < cells.size(); ++i)
            out_ += cell("td", i, cells[i]);
        out_ += "</tr>\n";
        ++rows_;
        return *this;
    }
    // The table element's class (e.g. for a print rule).
    Table& table_class(std::string cls) {
        table_class_ = std::move(cls);
        return *this;
    }
    // Column i's data cells get `cls` too; set before the rows.
    Table& cell_class(std::size_t i, std::string cls) {
        if (cell_classes_.size() <= i)
            cell_classes_.resize(i + 1);
        cell_classes_[i] = std::move(cls);
        return *this;
    }
    // The table, or `empty_note` when it has no rows (nothing at all when that is empty).
    std::string str(const std::string& empty_note) const {
        if (rows_ == 0)
            return empty_note.empty() ? "" : "<p class=\"note\">" + e(empty_note) + "</p>\n";
        const std::string open =
            table_class_.empty() ? "<table>" : "<table class=\"" + e(table_class_) + "\">";
        return open + out_ + "</tbody>\n</table>\n";
    }

  private:
    std::string cell(const char* tag, std::size_t i, const std::string& markup) const {
        std::string cls = i < numeric_.size() && numeric_[i] ? "num" : "";
        if (tag[1] == 'd' && i < cell_classes_.size() && !cell_classes_[i].empty())
            cls += (cls.empty() ? "" : " ") + cell_classes_[i];
        return std::string("<") + tag + (cls.empty() ? "" : " class=\"" + cls + "\"") + ">" +
               markup + "</" + tag + ">";
    }
    std::vector<bool> numeric_;
    std::vector<std::string> cell_classes_;
    std::string table_class_;
    std::string out_;
    int rows_ = 0;
};

}  // namespace lifeline::html
