#include "pushcore/core/status.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <set>
#include <string>

#include "pushcore/core/random.hpp"

using pushcore::Status;

TEST_CASE("every status has a distinct name and message") {
    const Status all[] = {Status::ok,
                          Status::invalid_argument,
                          Status::invalid_state,
                          Status::buffer_too_small,
                          Status::not_found,
                          Status::already_exists,
                          Status::syntax,
                          Status::bad_escape,
                          Status::bad_uri,
                          Status::bad_start_line,
                          Status::bad_header,
                          Status::bad_content_length,
                          Status::missing_header,
                          Status::truncated,
                          Status::unexpected_message,
                          Status::push_info_missing,
                          Status::push_info_invalid,
                          Status::push_provider_unsupported,
                          Status::limit_header_bytes,
                          Status::limit_header_count,
                          Status::limit_body_bytes,
                          Status::limit_bindings,
                          Status::limit_held_requests,
                          Status::no_memory,
                          Status::internal};
    std::set<std::string> names, messages;
    for (Status s : all) {
        CHECK(std::strncmp(pushcore::status_name(s), "PUSHCORE_", 9) == 0);
        names.insert(pushcore::status_name(s));
        messages.insert(pushcore::status_message(s));
    }
    CHECK(names.size() == std::size(all));
    CHECK(messages.size() == std::size(all));
    CHECK(std::string(pushcore::status_name(static_cast<Status>(-999))) == "PUSHCORE_E_UNKNOWN");
}

TEST_CASE("status values are pinned") {
    // The C ABI promises these numbers forever.
    CHECK(static_cast<int>(Status::invalid_argument) == -1);
    CHECK(static_cast<int>(Status::syntax) == -100);
    CHECK(static_cast<int>(Status::push_provider_unsupported) == -122);
    CHECK(static_cast<int>(Status::limit_header_bytes) == -200);
    CHECK(static_cast<int>(Status::internal) == -300);
}

TEST_CASE("Error::fail records status, reason and offset") {
    pushcore::Error err;
    CHECK(err.fail(Status::bad_uri, "why", 7) == Status::bad_uri);
    CHECK(err.status == Status::bad_uri);
    CHECK(std::string(err.reason) == "why");
    CHECK(err.offset == 7);
}

namespace {
int counting_random(void* ctx, uint8_t* out, size_t len) {
    auto* next = static_cast<uint8_t*>(ctx);
    for (size_t i = 0; i < len; ++i) out[i] = (*next)++;
    return 0;
}
int failing_random(void*, uint8_t*, size_t) {
    return -1;
}
}  // namespace

TEST_CASE("Random: injected source, hex tokens, failures reported") {
    uint8_t next = 0xfe;
    pushcore::Random r{counting_random, &next};
    std::string token;
    CHECK(r.append_token(token, 3));
    CHECK(token == "feff00");
    CHECK_FALSE(r.append_token(token, 33));  // above the 32-byte cap

    pushcore::Random broken{failing_random, nullptr};
    CHECK(broken.fill(reinterpret_cast<uint8_t*>(&next), 1) == Status::internal);
    CHECK(pushcore::Random{}.fill(&next, 1) == Status::invalid_state);
}
