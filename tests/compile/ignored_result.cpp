// Results a caller must look at are [[nodiscard]]: ignoring a send's result
// (a refused send would go unnoticed) does not compile with the warning as an
// error.
#include <tether/connection.hpp>

int main() {
  tether::connection ws(tether::role::server);
#ifdef TETHER_COMPILE_OK
  const std::error_code ec = ws.send_text("checked");
  return ec ? 1 : 0;
#else
  ws.send_text("ignored");
  return 0;
#endif
}
