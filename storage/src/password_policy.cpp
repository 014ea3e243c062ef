#include <pwquality.h>

#include <mutex>
#include <stdexcept>

#include "lifeline/storage/account_store.h"

namespace lifeline::storage {

struct PwqualityPolicy::Impl {
    pwquality_settings_t* settings = nullptr;
    // cracklib keeps the open dictionary in static state: one check at a time.
    std::mutex mutex;
};

namespace {

// The libpwquality verdict on `password`: its code and, for the dictionary check,
// cracklib's own reason.
std::pair<int, std::string> judge(pwquality_settings_t* settings, const std::string& password,
                                  const std::string& username) {
    void* aux = nullptr;
    int rc = pwquality_check(settings, password.c_str(), nullptr, username.c_str(), &aux);
    std::string reason;
    if (rc == PWQ_ERROR_CRACKLIB_CHECK && aux)
        reason = static_cast<const char*>(aux);
    return {rc, reason};
}

bool dictionary_unreadable(const std::string& reason) {
    return reason.find("error loading dictionary") != std::string::npos;
}

}  // namespace

PwqualityPolicy::PwqualityPolicy() : impl_(std::make_unique<Impl>()) {
    impl_->settings = pwquality_default_settings();
    if (!impl_->settings)
        throw std::runtime_error("libpwquality: out of memory");
    auto* s = impl_->settings;
    // Lifeline checks 8..128 characters itself; 6 is libpwquality's lowest minimum.
    pwquality_set_int_value(s, PWQ_SETTING_MIN_LENGTH, 6);
    pwquality_set_int_value(s, PWQ_SETTING_MIN_CLASS, 0);
    pwquality_set_int_value(s, PWQ_SETTING_MAX_REPEAT, 0);
    pwquality_set_int_value(s, PWQ_SETTING_MAX_SEQUENCE, 0);
    pwquality_set_int_value(s, PWQ_SETTING_MAX_CLASS_REPEAT, 0);
    pwquality_set_int_value(s, PWQ_SETTING_USER_CHECK, 0);
    pwquality_set_int_value(s, PWQ_SETTING_GECOS_CHECK, 0);
    pwquality_set_int_value(s, PWQ_SETTING_DICT_CHECK, 1);
    auto [rc, reason] = judge(s, "Zq7!xK2#pLm9", "");
    if (rc < 0 && dictionary_unreadable(reason)) {
        pwquality_free_settings(s);
        throw std::runtime_error("cannot read the cracklib dictionary that password checks need (" +
                                 reason + "); install it: apt-get install cracklib-runtime");
    }
}

PwqualityPolicy::~PwqualityPolicy() {
    if (impl_ && impl_->settings)
        pwquality_free_settings(impl_->settings);
}

std::optional<std::string> PwqualityPolicy::weakness(std::string_view password,
                                                     std::string_view username) {
    std::pair<int, std::string> verdict;
    {
        std::lock_guard lock(impl_->mutex);
        verdict = judge(impl_->settings, std::string(password), std::string(username));
    }
    auto& [rc, reason] = verdict;
    if (rc >= 0)
        return std::nullopt;
    if (rc == PWQ_ERROR_CRACKLIB_CHECK) {
        if (dictionary_unreadable(reason))
            throw std::runtime_error("cannot read the cracklib dictionary: " + reason);
        return "is too easy to guess (" + reason +
               "); use a longer phrase of three or more unrelated words";
    }
    if (rc == PWQ_ERROR_PALINDROME)
        return std::string("reads the same backwards; choose one that does not");
    return std::string(pwquality_strerror(nullptr, 0, rc, nullptr)) +
           "; choose a longer phrase of unrelated words";
}

}  // namespace lifeline::storage
