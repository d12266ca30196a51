// Runs a fuzz target without libFuzzer: every file (or every file in every
// directory) named on the command line, then `--random N` deterministic
// inputs mutated from those files. Used by the CTest replays.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size);

int main(int argc, char** argv) {
  std::vector<std::vector<unsigned char>> inputs;
  std::size_t random_count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--random" && i + 1 < argc) {
      random_count = std::stoul(argv[++i]);
      continue;
    }
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) files.push_back(entry.path());
    } else {
      files.emplace_back(arg);
    }
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      inputs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  for (const auto& input : inputs) LLVMFuzzerTestOneInput(input.data(), input.size());
  // Mutations: flip, insert, delete and splice bytes of the seeds.
  std::mt19937_64 rng(20261125);
  for (std::size_t n = 0; n < random_count; ++n) {
    std::vector<unsigned char> input = inputs.empty() ? std::vector<unsigned char>{} : inputs[rng() % inputs.size()];
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = input.empty() ? 0 : rng() % input.size();
      switch (rng() % 4) {
        case 0:
          if (!input.empty()) input[at] = static_cast<unsigned char>(rng());
          break;
        case 1:
          input.insert(input.begin() + static_cast<long>(at), static_cast<unsigned char>(rng()));
          break;
        case 2:
          if (!input.empty()) input.erase(input.begin() + static_cast<long>(at));
          break;
        default:
          if (!inputs.empty()) {
            const auto& other = inputs[rng() % inputs.size()];
            if (!other.empty()) {
              const std::size_t from = rng() % other.size();
              input.insert(input.begin() + static_cast<long>(at), other.begin() + static_cast<long>(from), other.end());
            }
          }
      }
    }
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("replayed %zu seeds and %zu mutations\n", inputs.size(), random_count);
  return 0;
}
