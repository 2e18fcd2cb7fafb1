import { assertEquals } from "../support/assert.ts";
import { takeProxyEnvironment } from "../../adapters/proxy_environment.ts";

Deno.test("takeProxyEnvironment() reads the proxy variables and takes them out of the process", () => {
  const names = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "NO_PROXY", "no_proxy", "ALL_PROXY"];
  const saved = Object.fromEntries(names.map((name) => [name, Deno.env.get(name)]));
  try {
    Deno.env.set("HTTPS_PROXY", "http://proxy.corp:3128");
    Deno.env.set("NO_PROXY", ".svc,10.0.0.0/8");
    Deno.env.set("ALL_PROXY", "socks5://elsewhere:1080");
    for (const name of ["https_proxy", "HTTP_PROXY", "no_proxy"]) Deno.env.delete(name);
    assertEquals(takeProxyEnvironment(), {
      HTTPS_PROXY: "http://proxy.corp:3128",
      NO_PROXY: ".svc,10.0.0.0/8",
    });
    // Deno's own client would apply them by its own rules (and ALL_PROXY, which Go ignores).
    assertEquals(names.map((name) => Deno.env.get(name)), names.map(() => undefined));
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
});
