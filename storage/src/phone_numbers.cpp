#include "lifeline/storage/phone_numbers.h"

#include <phonenumbers/phonenumberutil.h>

namespace lifeline::storage {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::optional<std::string> LibPhoneNumbers::to_e164(std::string_view text,
                                                    std::string_view region) const {
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util.Parse(std::string(text), std::string(region), &number) !=
        PhoneNumberUtil::NO_PARSING_ERROR)
        return std::nullopt;
    if (!util.IsValidNumber(number))
        return std::nullopt;
    std::string out;
    util.Format(number, PhoneNumberUtil::E164, &out);
    return out;
}

std::optional<std::string> national_number(std::string_view phone) {
    if (phone.empty() || phone.front() != '+')
        return std::nullopt;
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util.Parse(std::string(phone), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR)
        return std::nullopt;
    std::string out;
    util.GetNationalSignificantNumber(number, &out);
    return out;
}

}  // namespace lifeline::storage
