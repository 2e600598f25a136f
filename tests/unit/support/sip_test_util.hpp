// Helpers shared by the SIP state machine tests: deterministic randomness and a parsed
// message that owns its bytes.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "pushcore/core/random.hpp"
#include "pushcore/sip/message.hpp"

namespace test {

// Counts upwards: every run of a test sees the same tags and branches.
inline int counter_random(void* ctx, uint8_t* out, size_t len) {
    auto* next = static_cast<uint8_t*>(ctx);
    for (size_t i = 0; i < len; ++i) out[i] = (*next)++;
    return 0;
}

inline pushcore::Random deterministic_random() {
    static uint8_t state = 0;
    return pushcore::Random{counter_random, &state};
}

// A parsed message together with the text it views.
struct Parsed {
    std::unique_ptr<std::string> text;
    pushcore::sip::Message msg;
    const pushcore::sip::Message* operator->() const { return &msg; }
};

inline Parsed parse(std::string text) {
    Parsed p{std::make_unique<std::string>(std::move(text)), pushcore::sip::Message{}};
    pushcore::Error err;
    INFO(*p.text);
    REQUIRE(pushcore::sip::parse_datagram(*p.text, p.msg, pushcore::sip::Limits{}, err) ==
            pushcore::Status::ok);
    return p;
}

inline std::string header(const Parsed& p, std::string_view name) {
    const pushcore::sip::Header* h = p.msg.find(name);
    return h ? std::string(h->value) : std::string();
}

}  // namespace test
