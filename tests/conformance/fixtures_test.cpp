// Runs the wire fixtures in tests/fixtures (format: tests/fixtures/README.md):
// each case whole, byte by byte and at random splits, alone and followed by a
// ping; the events (and, alone, the output) must be the ones the file names.
#include <tether/connection.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "conversation.hpp"
#include "tether_catch.hpp"

namespace {

struct fixture_case {
  std::string where;  // file:line of the "##" line
  std::string title;
  tether::role role = tether::role::server;
  tether::connection_options options;
  test::bytes input;
  std::vector<std::string> events;
  bool check_output = false;
  test::bytes output;
};

std::string trim(const std::string& s) {
  const std::size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

// Hex bytes; "61*256" is the byte 0x61 256 times.
bool parse_hex(const std::string& text, test::bytes& out) {
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    const std::size_t star = word.find('*');
    const std::string byte = word.substr(0, star);
    if (byte.size() != 2 || !std::isxdigit(static_cast<unsigned char>(byte[0])) ||
        !std::isxdigit(static_cast<unsigned char>(byte[1]))) {
      return false;
    }
    const auto value = static_cast<unsigned char>(std::strtoul(byte.c_str(), nullptr, 16));
    const std::size_t count = star == std::string::npos ? 1 : std::strtoul(word.c_str() + star + 1, nullptr, 10);
    out.insert(out.end(), count, value);
  }
  return true;
}

// In an event line, "\xHH" is the byte 0xHH and "{a*300}" 300 times 'a'
// (the character may be written "\xHH" too).
std::size_t read_char(const std::string& text, std::size_t i, char& c) {
  if (text.compare(i, 2, "\\x") == 0 && i + 4 <= text.size()) {
    c = static_cast<char>(std::strtoul(text.substr(i + 2, 2).c_str(), nullptr, 16));
    return 4;
  }
  c = text[i];
  return 1;
}

std::string expand(const std::string& text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    char c;
    if (text[i] == '{') {
      const std::size_t used = read_char(text, i + 1, c);
      const std::size_t close = text.find('}', i);
      if (close != std::string::npos && text[i + 1 + used] == '*') {
        out.append(std::strtoul(text.c_str() + i + 2 + used, nullptr, 10), c);
        i = close + 1;
        continue;
      }
    }
    i += read_char(text, i, c);
    out.push_back(c);
  }
  return out;
}

bool set_option(tether::connection_options& options, const std::string& name, std::uint64_t value) {
  if (name == "max_frame_size") {
    options.max_frame_size = value;
  } else if (name == "max_message_size") {
    options.max_message_size = value;
  } else if (name == "strict_length_encoding") {
    options.strict_length_encoding = value != 0;
  } else if (name == "auto_pong") {
    options.auto_pong = value != 0;
  } else {
    return false;
  }
  return true;
}

std::vector<fixture_case> read_fixtures(const std::string& path) {
  std::vector<fixture_case> cases;
  std::ifstream file(path);
  REQUIRE(file);
  std::string line;
  int number = 0;
  while (std::getline(file, line)) {
    ++number;
    const std::string where = path + ":" + std::to_string(number);
    if (line.rfind("## ", 0) == 0) {
      cases.emplace_back();
      cases.back().where = where;
      cases.back().title = trim(line.substr(3));
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    INFO(where);
    REQUIRE_FALSE(cases.empty());
    fixture_case& c = cases.back();
    const std::size_t colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    const std::string key = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    if (key == "role") {
      REQUIRE((value == "server" || value == "client"));
      c.role = value == "server" ? tether::role::server : tether::role::client;
    } else if (key == "option") {
      const std::size_t equals = value.find('=');
      REQUIRE(equals != std::string::npos);
      REQUIRE(
          set_option(c.options, trim(value.substr(0, equals)), std::strtoull(value.c_str() + equals + 1, nullptr, 10)));
    } else if (key == "input") {
      REQUIRE(parse_hex(value, c.input));
    } else if (key == "event") {
      c.events.push_back(expand(value));
    } else if (key == "output") {
      c.check_output = true;
      REQUIRE(parse_hex(value, c.output));
    } else {
      FAIL("unknown key " << key);
    }
  }
  return cases;
}

std::vector<std::string> fixture_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(TETHER_FIXTURES_DIR)) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct run_result {
  std::vector<std::string> events;
  std::string output;
};

run_result run(const fixture_case& c, const test::bytes& input, const std::vector<std::size_t>& plan) {
  tether::connection ws(c.role, c.options);
  if (c.role == tether::role::server) {
    test::open_server(ws);
  } else {
    test::open_client(ws);
  }
  const auto log = test::feed(ws, input, plan, [](tether::connection&) {});
  return {log.lines, test::take_output(ws)};
}

bool ends_the_connection(const std::vector<std::string>& events) {
  return !events.empty() && (events.back().rfind("failure ", 0) == 0 || events.back().rfind("close ", 0) == 0);
}

}  // namespace

TEST_CASE("fixtures: every case gives its events whole, byte by byte and at random splits, alone and followed",
          "[connection][fixtures]") {
  const std::vector<std::string> files = fixture_files();
  REQUIRE(files.size() >= 3);
  std::size_t count = 0;
  for (const std::string& path : files) {
    for (const fixture_case& c : read_fixtures(path)) {
      ++count;
      INFO(c.where << ": " << c.title);
      INFO("seed " << test::test_seed() << " (TETHER_TEST_SEED replays it)");
      REQUIRE_FALSE(c.input.empty());
      auto rng = test::make_rng(count);
      for (const auto& plan : test::split_plans(c.input.size(), rng, 6)) {
        INFO("alone, in " << plan.size() << " pieces");
        const run_result r = run(c, c.input, plan);
        CHECK(r.events == c.events);
        if (c.check_output) CHECK(r.output == test::text_of(c.output));
      }
      // The same bytes with a ping after them: a rule must hold whether its
      // frame ends the input or not; nothing is read after a close or a failure.
      const test::bytes ping = test::frame(tether::opcode::ping, "tail", true, c.role == tether::role::server);
      const test::bytes followed = test::concat({c.input, ping});
      std::vector<std::string> expected = c.events;
      if (!ends_the_connection(expected)) expected.push_back("ping:tail");
      for (const auto& plan : test::split_plans(followed.size(), rng, 6)) {
        INFO("followed by a ping, in " << plan.size() << " pieces");
        CHECK(run(c, followed, plan).events == expected);
      }
    }
  }
  CHECK(count >= 40);
}
