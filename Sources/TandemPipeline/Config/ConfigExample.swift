extension DaemonConfig {
    /// What `tandem config example` prints: a minimal config whose `"$comment"` keys explain every key (JSON
    /// has no comments; the loader accepts `$comment` in any object). It passes `tandem config check`.
    public static let example = #"""
    {
      "$schema": "https://tandem.example/schemas/config.schema.json",
      "$comment": [
        "The daemon's configuration (tandem run CONFIG). Relative paths are relative to this file.",
        "\"$comment\" is allowed in any object and ignored. Unknown keys are refused.",
        "journal: the journal directory. segmentSize (optional, for a journal the daemon creates): where segments roll, 4 KiB to 1 TiB,",
        "  as 67108864, \"64 MiB\" or \"8KB\" (KiB = 1024 bytes, KB = 1000; default 64 MiB).",
        "source: any source `tandem ingest --source` takes: sqlite-changelog:PATH[?prune=true], jsonl:PATH[?format=…], a .json file.",
        "mapping (optional): the mapping file (schemas/mapping.schema.json) applied to the source's changes.",
        "sinks: one or more stores the journal is replayed into (see the comment in the first sink).",
        "retry, http, logFormat (optional): see their comments; logFormat is \"text\" (default) or \"json\" (one object a line).",
        "migration (optional; tandem cohort, route, fence): {\"new\": SINK NAME, \"legacy\": STORE, \"state\": FILE (default beside the journal),",
        "  \"maxForwardLagSeconds\": the lag a cohort may have to enter cut-over (default 5), \"reverseJournal\": the reverse flow's journal",
        "  (default: the journal's path + -reverse), \"reverseSource\": the new store's change table (default: from the new sink)}.",
        "notify (optional; tandem notify): telling customers before their cohort moves (see its comment).",
        "snapshot (optional, default true): for a sqlite-changelog source, start-up first copies the rows of every table the journal",
        "  holds no complete copy of yet (tandem snapshot, resumed when interrupted), then follows the change log; false skips it."
      ],
      "journal": "journal",
      "segmentSize": "64 MiB",
      "source": "sqlite-changelog:legacy.db",
      "mapping": "mapping.json",
      "sinks": [
        {"$comment": [
           "name: the sink's journal consumer and its row in the store's checkpoint table; unique, not empty.",
           "into: any store `tandem replay --into` takes: sqlite:PATH, postgres://… or postgresql://…, a .json file,",
           "  or an object {\"kind\": \"sqlite\", \"path\": \"new.db\", \"synchronous\": \"full\"|\"normal\"} / {\"kind\": \"postgres\", \"url\": \"…\"}.",
           "Secrets stay out of this file: ${NAME} in into is the environment variable NAME, or give",
           "\"passwordFile\": \"FILE\" or \"passwordCredential\": \"NAME\" (the file NAME in $CREDENTIALS_DIRECTORY,",
           "systemd's LoadCredential=) for a postgres sink. No password is ever printed.",
           "filter (optional): only these entities and/or tenants, e.g. {\"entities\": [\"customers\"], \"tenants\": [\"acme\"]}.",
           "batch (optional): events a transaction, 1 to 1000000 (default 10000).",
           "splitTransactionsOver (optional): a source transaction longer than this many events is applied in parts, so the sink's memory stays bounded; the store shows part of it until the last part commits; 0 never splits (default 20000)."],
         "name": "new", "into": "sqlite:new.db", "batch": 10000},
        {"name": "pg", "into": "postgres:///newdb?host=/run/postgresql"}
      ],
      "retry": {"$comment": "Back-off while a store is down: doubling from initialMs (1 to 60000) up to maxMs (up to 3600000).",
                "initialMs": 500, "maxMs": 30000},
      "http": {"$comment": "The control room (/), /healthz, /status and /metrics. A non-loopback address needs \"allowNonLoopback\": true (no authentication). \"operatorToken\": \"${TANDEM_OPERATOR_TOKEN}\" (or operatorTokenFile) adds the page's advance/pause/rollback buttons.",
               "listen": "127.0.0.1:9187"},
      "logFormat": "text",
      "snapshot": true,
      "notify": {"$comment": [
                   "contacts: legacy column names of the entity holding each tenant's contacts (read through the mapping: a trimmed,",
                   "  lower-cased email is the one used); name and locale are optional.",
                   "leadTime: ISO 8601 duration (P14D, PT36H): the notice must be marked sent this long before a cohort's window",
                   "  (tandem cohort schedule NAME --window START..END) or cut-over is refused. templates: KIND.LOCALE.txt files",
                   "  (copy ops/notify-templates/). defaultLocale: used when a contact's locale has no template.",
                   "actions (optional): [{\"id\": \"password-reset\", \"when\": \"before-cut-over\"|\"after-cut-over\", \"why\": \"…\"}];",
                   "  the mapping suggests more. statusPage (optional): the customer page link prefix (default the daemon's /customers/)."],
                 "contacts": {"entity": "customers", "tenant": "company", "email": "email", "name": "name", "locale": "lang"},
                 "leadTime": "P14D", "templates": "templates/", "defaultLocale": "en"}
    }
    """#
}
