import { assertEquals } from "../support/assert.ts";
import { encodeJournalEntry, openJournal } from "../../adapters/journald.ts";
import { openTestJournal, parseJournalEntry } from "../support/test_journal.ts";
import { withTempDir } from "../support/temp_tree.ts";

Deno.test("encodeJournalEntry() uses the length-prefixed form for multi-line values", () => {
  const bytes = encodeJournalEntry({ MESSAGE: "two\nlines", PRIORITY: "3" });
  assertEquals(
    Array.from(bytes.subarray(0, 8)),
    Array.from(new TextEncoder().encode("MESSAGE\n")),
  );
  assertEquals(parseJournalEntry(bytes), { MESSAGE: "two\nlines", PRIORITY: "3" });
});

Deno.test("openJournal() sends entries with priority and identifier", () =>
  withTempDir(async (dir) => {
    const test = openTestJournal(`${dir}/journal.sock`);
    try {
      const journal = await openJournal({
        socket: test.path,
        identifier: "crio-credential-provider",
      });
      await journal!.send("info", "Running credential provider");
      await journal!.send("warning", "careful");
      await journal!.send("error", "Failed to run credential provider: x");
      journal!.close();
      for (let i = 0; i < 50 && test.entries.length < 3; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assertEquals(test.entries, [
        {
          MESSAGE: "Running credential provider",
          PRIORITY: "6",
          SYSLOG_IDENTIFIER: "crio-credential-provider",
        },
        { MESSAGE: "careful", PRIORITY: "4", SYSLOG_IDENTIFIER: "crio-credential-provider" },
        {
          MESSAGE: "Failed to run credential provider: x",
          PRIORITY: "3",
          SYSLOG_IDENTIFIER: "crio-credential-provider",
        },
      ]);
    } finally {
      await test.close();
    }
  }));

Deno.test("openJournal() is quietly absent without a journal socket", () =>
  withTempDir(async (dir) => {
    assertEquals(await openJournal({ socket: `${dir}/missing.sock`, identifier: "x" }), undefined);
    await Deno.writeTextFile(`${dir}/file`, "");
    assertEquals(await openJournal({ socket: `${dir}/file`, identifier: "x" }), undefined);
  }));
