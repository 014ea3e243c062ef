#pragma once
// What Lifeline's printed documents (the reports, the mileage statements, the run sheets)
// say, and how they write dates, times and numbers, in Chinese or English
// (docs/reports.md, "Languages"). Every label is one row of one table with both languages;
// a label is named by its key, checked when the code is compiled.
//
// Formats: dates 2022年3月14日 / 14 March 2022, months 2022年3月 / March 2022, times HH:MM
// in the organisation's zone, numbers with a comma between thousands in both languages
// (1,234.5), as the year-end figures are quoted (7,306 rides, 380,000 km).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "lifeline/core/messages.h"
#include "lifeline/core/time.h"

namespace lifeline {

// A printed document's `lang`: "zh-CN" or "en" exactly.
std::optional<Language> print_language_from(std::string_view tag);

struct PrintLabel {
    std::string_view key;
    std::string_view zh;
    std::string_view en;  // {name} is a parameter, in both languages alike
};

// clang-format off
inline constexpr PrintLabel print_labels[] = {
    // Shared by every document.
    {"generated", "生成于 {time}", "generated {time}"},
    {"times_local", "时间均为当地时间（{zone}）。", "Times are local ({zone})."},
    {"unit.km", "公里", "km"},
    {"col.measure", "项目", "measure"},
    {"col.value", "数值", "value"},
    {"col.date", "日期", "date"},
    {"col.month", "月份", "month"},
    {"col.trips", "出车次数", "trips"},
    {"col.rides", "乘车人次", "rides"},
    {"col.km", "公里", "km"},
    {"col.hours", "小时", "hours"},
    {"col.plate", "车牌", "plate"},
    {"col.driver", "司机", "driver"},
    {"col.group", "所属团体", "group"},
    {"no_trips_month", "本月没有出车记录。", "No trips this month."},
    {"title_with_org", "{org} — {title}", "{org} — {title}"},
    // The monthly report.
    {"monthly.title", "{month}月度报表", "Monthly report, {month}"},
    {"fig.rides", "完成乘车人次", "rides completed"},
    {"fig.km", "行驶公里", "km driven"},
    {"fig.trips", "出车次数", "trips"},
    {"fig.hours", "志愿服务小时", "volunteer hours"},
    {"fig.patients", "服务患者", "patients served"},
    {"fig.drivers", "出车司机", "drivers active"},
    {"fig.no_shows", "患者未到", "no-shows"},
    {"fig.cancellations", "取消的用车申请", "cancellations"},
    {"chart.km_per_day", "每日公里", "Km per day"},
    {"chart.rides_per_day", "每日乘车人次", "Rides per day"},
    {"chart.km_per_driver", "每位司机的公里数", "Km per driver"},
    {"chart.of_month", "{chart}，{month}", "{chart}, {month}"},
    {"drivers_shown", "图中为公里数最多的 {shown} 位司机；全部 {all} 位见下表。",
     "The {shown} drivers with the most km; all {all} are in the table below."},
    {"h.summary", "汇总", "Totals"},
    {"row.rides", "完成乘车人次", "rides completed"},
    {"row.no_shows", "患者未到", "no-shows"},
    {"row.rides_cancelled", "出车途中取消的乘车", "rides cancelled on a trip"},
    {"row.cancelled_requests", "取消的用车申请：{reason}", "requests cancelled: {reason}"},
    {"reason.patient", "患者取消", "by the patient"},
    {"reason.late_cancel", "临时取消", "late"},
    {"reason.holiday", "节假日", "holiday"},
    {"reason.weather", "天气", "weather"},
    {"reason.other", "其他原因", "other"},
    {"row.trips", "出车次数（已结束）", "trips (finished)"},
    {"row.open_trips", "尚未结束的出车", "trips still open"},
    {"row.km", "公里", "km"},
    {"row.hours", "志愿服务小时", "volunteer hours"},
    {"row.patients", "服务患者", "patients served"},
    {"row.drivers", "出车司机", "drivers active"},
    {"row.vehicles", "出车车辆", "vehicles active"},
    {"row.occupied", "载有患者的公里", "km with a patient aboard"},
    {"row.empty", "空驶公里（去接第一位患者、返程）", "km empty (to the first pickup, home again)"},
    {"estimated_note",
     "* 部分为估算：{trips} 次出车没有在每次上下车时记录里程表读数，其载客公里（{km}）按直线距离乘以绕行系数估算。实测：{measured_trips} 次出车共 {measured} 公里。",
     "* Partly estimated: {trips} trips had no odometer readings at every pickup and drop-off; "
     "their km aboard ({km}) are great-circle distances × the detour factor. Measured: "
     "{measured} km on {measured_trips} trips."},
    {"h.drivers", "司机", "Drivers"},
    {"h.vehicles", "车辆", "Vehicles"},
    {"col.first_odometer", "月初里程表", "first odometer"},
    {"col.last_odometer", "月末里程表", "last odometer"},
    {"h.odometer", "里程表核对", "Odometer integrity"},
    {"odo.summary",
     "{vehicles} 辆车共有 {gaps} 处读数不连续：{unlogged} 处有未记录的公里（{unlogged_km} 公里），{backwards} 处读数倒退（{backwards_km} 公里）。",
     "{gaps} gaps on {vehicles} vehicles: {unlogged} with unlogged km ({unlogged_km} km), "
     "{backwards} going backwards ({backwards_km} km)."},
    {"odo.summary_one",
     "1 辆车共有 {gaps} 处读数不连续：{unlogged} 处有未记录的公里（{unlogged_km} 公里），{backwards} 处读数倒退（{backwards_km} 公里）。",
     "{gaps} gaps on 1 vehicle: {unlogged} with unlogged km ({unlogged_km} km), "
     "{backwards} going backwards ({backwards_km} km)."},
    {"odo.summary_single",
     "1 辆车共有 1 处读数不连续：{unlogged} 处有未记录的公里（{unlogged_km} 公里），{backwards} 处读数倒退（{backwards_km} 公里）。",
     "1 gap on 1 vehicle: {unlogged} with unlogged km ({unlogged_km} km), "
     "{backwards} going backwards ({backwards_km} km)."},
    {"col.unlogged", "未记录处数", "unlogged"},
    {"col.unlogged_km", "未记录公里", "unlogged km"},
    {"col.backwards", "倒退处数", "backwards"},
    {"col.backwards_km", "倒退公里", "backwards km"},
    {"h.backwards", "读数倒退", "Going backwards"},
    {"h.unlogged", "未记录的公里（每处：日期、出车编号、+公里）",
     "Unlogged km (each: day, trip, +km)"},
    {"col.issue", "问题", "issue"},
    {"col.previous_trip", "上一次出车", "previous trip"},
    {"col.its_reading", "其收车读数", "its reading"},
    {"col.trip", "出车", "trip"},
    {"col.started", "开始", "started"},
    {"col.ended", "结束", "ended"},
    {"col.start_reading", "出车读数", "start reading"},
    {"col.gap_km", "差距（公里）", "gap km"},
    {"col.gaps", "各处", "gaps"},
    {"odo.backwards", "读数倒退", "goes backwards"},
    {"odo.unlogged", "未记录的公里", "unlogged km"},
    {"odo.none", "每次出车都从该车上一次出车结束时的读数开始。",
     "Every trip starts where the vehicle's previous trip ended."},
    {"odo.listed_as_logged", "以上按记录列出，此处不作更正。调度员可填写原因更正出车记录（留有审计记录）。",
     "Listed as logged; nothing is corrected here. A dispatcher corrects a trip with a reason "
     "(audited)."},
    {"h.days", "每日", "Days"},
    // The totals report.
    {"totals.title", "{from}至{to}汇总", "Totals {from} to {to}"},
    {"fig.rides_total", "乘车人次", "rides"},
    {"fig.km_total", "公里", "km"},
    {"fig.of_rides_goal", "占 {goal} 人次目标", "of {goal} rides goal"},
    {"fig.of_km_goal", "占 {goal} 公里目标", "of {goal} km goal"},
    {"h.cumulative_km", "累计公里与目标", "Cumulative km against the goal"},
    {"h.cumulative_rides", "累计乘车人次与目标", "Cumulative rides against the goal"},
    {"legend.km_so_far", "累计公里", "km so far"},
    {"legend.rides_so_far", "累计乘车人次", "rides so far"},
    {"legend.km_pace", "按匀速达到 {goal} 公里", "steady pace to {goal} km"},
    {"legend.rides_pace", "按匀速达到 {goal} 人次", "steady pace to {goal} rides"},
    {"legend.dashed", "{actual} — {goal}（虚线）", "{actual} — {goal} (dashed)"},
    {"h.progress", "目标进度", "Progress toward the goals"},
    {"col.goal", "目标", "goal"},
    {"col.so_far", "至今", "so far"},
    {"col.share", "完成比例", "share"},
    {"col.projected", "按此速度预计", "projected at this pace"},
    {"col.rides_so_far", "累计乘车人次", "rides so far"},
    {"col.km_so_far", "累计公里", "km so far"},
    {"row.rides_goal", "乘车人次", "rides"},
    {"row.km_goal", "公里", "km"},
    {"goal_period", "目标期间 {from}至{to}，数据截至 {as_of}。",
     "Goal period {from} to {to}, figures as of {as_of}."},
    {"h.months", "各月", "Months"},
    // The volunteers' mileage statements.
    {"statements.title", "{month}里程报销单", "Mileage statements {month}"},
    {"statements.none", "本月没有司机使用自己的车辆出车。",
     "No trips in drivers' own vehicles this month."},
    {"statement.title", "{month}志愿者里程报销单", "Volunteer mileage statement {month}"},
    {"statement.volunteer", "志愿者", "volunteer"},
    {"statement.km_own", "自有车辆行驶公里", "km in own vehicle"},
    {"statement.rate", "每公里 {rate} {currency}", "at {rate} {currency} per km"},
    {"h.trips", "出车记录", "Trips"},
    {"col.vehicle", "车辆", "vehicle"},
    {"col.odometer_start", "出车里程表", "odometer start"},
    {"col.odometer_end", "收车里程表", "odometer end"},
    {"statement.no_trips", "本月该司机没有使用自己的车辆出车。",
     "No trips in the driver's own vehicle this month."},
    {"statement.approved", "已由 {name} 于 {time} 审批：{km} 公里，{amount} {currency}。",
     "Approved by {name} at {time}: {km} km, {amount} {currency}."},
    {"statement.changed", "审批后出车记录有更改：上面的数字与审批时的不同。",
     "The ledger changed after approval: the figures above differ from the approved ones."},
    {"statement.not_approved", "尚未审批。", "Not approved yet."},
    {"sign.volunteer", "志愿者签名", "Volunteer"},
    {"sign.coordinator", "协调员签名", "Coordinator"},
    {"sign.date", "日期", "Date"},
    // The run sheets.
    {"sheet.title", "路单", "Run sheet"},
    {"sheet.route", "路线", "Route"},
    {"sheet.driver", "司机", "Driver"},
    {"sheet.vehicle", "车辆", "Vehicle"},
    {"sheet.planned", "计划", "Planned"},
    {"sheet.col.seq", "序号", "#"},
    {"sheet.col.planned", "计划时间", "Planned"},
    {"sheet.col.stop", "上/下车", "Stop"},
    {"sheet.col.patient", "患者", "Patient"},
    {"sheet.col.phone", "电话", "Phone"},
    {"sheet.col.needs", "轮椅/陪同", "Wheelchair / escort"},
    {"sheet.col.place", "地点", "Place"},
    {"sheet.col.notes", "备注", "Notes"},
    {"sheet.col.actual", "实际时间", "Actual time"},
    {"sheet.pickup", "上车", "Pick up"},
    {"sheet.dropoff", "下车", "Drop off"},
    {"sheet.wheelchair", "轮椅", "wheelchair"},
    {"sheet.walks", "可步行", "walks"},
    {"sheet.escort", "有陪同", "escort"},
    {"sheet.passengers", "共{n}人", "{n} people"},
    {"sheet.odometer_start", "出车里程 (km)", "Odometer at start (km)"},
    {"sheet.odometer_end", "收车里程 (km)", "Odometer at end (km)"},
    {"sheet.signature", "司机签名", "Driver's signature"},
    {"sheet.times_local", "时间均为当地时间（{zone}）。请在方框内手写实际时间和里程表读数。",
     "Times are local ({zone}). Write the actual times and odometer readings in the boxes."},
    {"sheet.no_stops", "这条路线没有站点。", "This route has no stops."},
    {"sheet.no_routes", "这一天没有路线。", "No routes on this day."},
};
// clang-format on

// A label's key, found in the table when the code is compiled: a key that is not there
// does not build.
class PrintKey {
  public:
    consteval PrintKey(const char* key) : index_(find(key)) {}  // NOLINT: implicit on purpose
    std::size_t index() const noexcept { return index_; }

  private:
    static consteval std::size_t find(const char* key) {
        const std::string_view k(key);
        for (std::size_t i = 0; i < std::size(print_labels); ++i)
            if (print_labels[i].key == k)
                return i;
        throw "no such print label";  // not a constant expression: the build stops here
    }
    std::size_t index_;
};

using PrintArgs = std::initializer_list<std::pair<std::string_view, std::string>>;

// The label's words in `lang`, with each {name} replaced by its argument.
std::string print_text(Language lang, PrintKey key, PrintArgs args = {});

// 2022年3月14日 / 14 March 2022
std::string print_date(LocalDate d, Language lang);
// 2026年12月7日 星期一 / Monday 7 December 2026
std::string print_date_weekday(LocalDate d, Language lang);
// 3月14日 / 14 Mar: in a table of one month
std::string print_day(LocalDate d, Language lang);
// 2022年3月 / March 2022 (the day of `month` is ignored)
std::string print_month(LocalDate month, Language lang);
// 3月 / Mar: a chart's axis over months
std::string print_month_short(LocalDate month, Language lang);
// HH:MM in `zone`
std::string print_time(Instant t, const date::time_zone* zone);
// 2022年3月14日 07:30 / 14 March 2022 07:30, in `zone`
std::string print_date_time(Instant t, const date::time_zone* zone, Language lang);
// 3月14日 07:30 / 14 Mar 07:30, in `zone`
std::string print_day_time(Instant t, const date::time_zone* zone, Language lang);

// 1,234,567
std::string print_count(std::int64_t v);
// 1,234.5: to the tenth, half away from zero
std::string print_km(std::int64_t meters);
// 1,234.50 with `decimals` digits after the point
std::string print_decimal(double v, int decimals);
// 101.8%
std::string print_percent(double fraction);

}  // namespace lifeline
