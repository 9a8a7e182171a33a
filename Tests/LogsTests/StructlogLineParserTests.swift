import Foundation
import Logs
import Testing

@Suite struct StructlogLineParserTests {
    func parse(_ text: String) -> LogLine {
        var parser = StructlogLineParser()
        return parser.parse(text, number: 7)
    }

    @Test func pluginLineFromMatatika() throws {
        let text = try LogFixtures.matatikaLines(LogFixtures.ok)[24]
        let line = parse(text)
        #expect(line.format == .console && line.number == 7 && line.level == "info")
        #expect(line.timestamp?.description == "2026-01-08T13:31:41.912994Z")
        #expect(
            line.event
                == "2026-01-08 13:31:41,912 | INFO     | mapper-fivetran      | mapper-fivetran v0.0.1, Meltano SDK v0.48.1"
        )
        #expect(
            line.fields.keys == [
                "cmd_type", "consumer", "job_name", "name", "producer", "run_id", "stdio", "string_id",
            ])
        #expect(
            line.fields["name"] == "mapper-fivetran" && line.fields.bool("consumer") == true
                && line.fields.bool("producer") == true)
        #expect(line.plugin == "mapper-fivetran")
    }

    /// A tap's own `name=tap_mysql` and `server_id=17` inside the event do not hide Meltano's keys.
    @Test func keyLikeWordsInsideTheEvent() throws {
        let lines = try LogFixtures.matatikaLines(LogFixtures.ok)
        let tap = parse(try #require(lines.first { $0.contains("name=tap_mysql level=INFO message=Processed") }))
        #expect(
            tap.fields["name"] == "mysql-bigdb_prd9_ci_leadplatform" && tap.plugin == "mysql-bigdb_prd9_ci_leadplatform"
        )
        #expect(tap.fields.bool("consumer") == false)
        #expect(tap.event.hasPrefix("time=2026-01-08 13:33:28 name=tap_mysql level=INFO message=Processed 42305 rows"))
        let serverID = parse(
            "2026-01-08T13:31:42.336395Z [info     ] time=2026-01-08 13:31:42 name=tap_mysql level=INFO message=Using randomly generated server_id=17 cmd_type=elb consumer=False name=tap-x producer=True"
        )
        #expect(serverID.fields["name"] == "tap-x" && serverID.plugin == "tap-x")
        #expect(
            serverID.event.hasPrefix(
                "time=2026-01-08 13:31:42 name=tap_mysql level=INFO message=Using randomly generated"))
    }

    @Test func failedBlockReprValues() {
        let line = parse(
            "2026-01-08T13:35:25.931275Z [error    ] Block run completed.           block_type=ExtractLoadBlocks "
                + "err=RunnerError('Loader failed') exit_codes={<PluginType.LOADERS: 'loaders'>: 1} set_number=0 success=False"
        )
        #expect(line.event == "Block run completed.")
        #expect(line.level == "error")
        #expect(line.fields.keys == ["block_type", "err", "exit_codes", "set_number", "success"])
        #expect(line.fields["err"] == "RunnerError('Loader failed')")
        #expect(line.fields["exit_codes"] == "{<PluginType.LOADERS: 'loaders'>: 1}")
        #expect(line.fields.bool("success") == false)
        #expect(line.plugin == nil)
    }

    @Test func wordsThatLookLikeKeysButAreProse() {
        let line = parse("2026-01-08T13:35:25.931275Z [info     ] adding a=1 to the list")
        #expect(line.event == "adding" || line.fields["a"] == "1 to the list")
        let prose = parse("2026-01-08T13:35:25.931275Z [info     ] then a=b and more words zed=1")
        #expect(prose.fields["zed"] == "1" && prose.fields["a"] == nil)
        #expect(prose.event == "then a=b and more words")
    }

    @Test func withoutATimestampAndPlainLines() {
        let bare = parse("[warning  ] Force option is enabled, ignoring stale job check.")
        #expect(bare.format == .console && bare.timestamp == nil && bare.level == "warning")
        #expect(bare.event == "Force option is enabled, ignoring stale job check.")
        for text in [
            "[INFO] task runner", "Executing Inline stage", "", "   ", "2026-01-08T13:31:02.647435Z",
            "2026-01-08T13:31:02.647435Z info",
            "2026-13-08T13:31:02.647435Z [info     ] bad month", "[info] short", "[info     ] ",
        ] {
            let line = parse(text)
            #expect(line.format == .plain || text.hasPrefix("[info     ]"), "\(text)")
            if line.format == .plain { #expect(line.event == text) }
        }
    }

    @Test func carriageReturnsAndColours() {
        let plain = parse("2026-01-08T13:31:02.647435Z [info     ] Environment 'dev' is active")
        #expect(parse("2026-01-08T13:31:02.647435Z [info     ] Environment 'dev' is active\r") == plain)
        let coloured = parse(
            "\u{1B}[2m2026-01-08T13:31:02.647435Z\u{1B}[0m [\u{1B}[32m\u{1B}[1minfo     \u{1B}[0m] \u{1B}[1mEnvironment 'dev' is active\u{1B}[0m"
        )
        #expect(coloured == plain)
    }

    @Test func jsonLines() {
        let line = parse(
            #"{"stdio": "stderr", "consumer": false, "producer": true, "name": "tap-x", "event": "caf\u00e9 \ud83d\ude00 \"q\"", "n": 3, "nested": {"a": [1, "}"]}, "err": null, "level": "info", "timestamp": "2026-11-30T01:27:41.939639Z"}"#
        )
        #expect(line.format == .json && line.level == "info")
        #expect(line.event == "café 😀 \"q\"")
        #expect(line.timestamp?.description == "2026-11-30T01:27:41.939639Z")
        #expect(line.fields["consumer"] == "False" && line.fields["n"] == "3" && line.fields["err"] == "None")
        #expect(line.fields["nested"] == #"{"a": [1, "}"]}"#)
        #expect(line.plugin == "tap-x")
        for bad in [
            #"{"event": "x""#, #"{"event": 1}"#, #"{"level": "info"}"#, #"{"event": "x"} trailing"#,
            #"{"event": "\q"}"#, "{", #"{"event": "\ud800"}"#,
        ] {
            let parsed = parse(bad)
            if bad.hasSuffix(#""\ud800"}"#) {
                #expect(parsed.format == .json && parsed.event == "\u{FFFD}")
            } else {
                #expect(parsed.format == .plain, "\(bad)")
            }
        }
    }

    @Test func meltanoFourNameColumn() {
        var parser = StructlogLineParser()
        let own = parser.parse(
            "2026-11-30T01:26:14.033036Z [info     ] meltano      Environment 'dev' is active", number: 1)
        #expect(parser.readsNameColumn && own.source == "meltano" && own.plugin == nil)
        #expect(own.event == "Environment 'dev' is active")
        let plugin = parser.parse(
            "2026-11-30T01:26:15.557050Z [info     ] meltano-map-transform meltano-map-transformer v0.12.3, Meltano SDK v0.54.9",
            number: 2)
        #expect(plugin.source == "meltano-map-transform" && plugin.plugin == "meltano-map-transform")
        #expect(plugin.event == "meltano-map-transformer v0.12.3, Meltano SDK v0.54.9")
        // Before the first such line, a word is just a word.
        var fresh = StructlogLineParser()
        #expect(fresh.parse("2026-11-30T01:26:15.557050Z [info     ] tap-x hello", number: 1).event == "tap-x hello")
    }

    @Test func timestamps() {
        for text in [
            "2026-01-08T13:31:02.647435Z", "1970-01-01T00:00:00.000000Z", "1969-12-31T23:59:59.999999Z",
            "2000-02-29T12:00:00.000001Z", "2024-02-29T00:00:00.000000Z", "0001-01-01T00:00:00.000000Z",
            "9999-12-31T23:59:59.999999Z",
        ] {
            #expect(Timestamp.parse(Array(text.utf8))?.description == text)
        }
        #expect(Timestamp.parse(Array("2026-01-08T13:31:02Z".utf8))?.description == "2026-01-08T13:31:02.000000Z")
        // Outside the years 1...9999 (a `Timestamp` made by hand): written the slow way, the same shape.
        let yearZero = Timestamp.parse(Array("0001-01-01T00:00:00.000000Z".utf8))!.microseconds - 1
        #expect(Timestamp(microseconds: yearZero).description == "0000-12-31T23:59:59.999999Z")
        let yearTenThousand = Timestamp.parse(Array("9999-12-31T23:59:59.999999Z".utf8))!.microseconds + 1
        #expect(Timestamp(microseconds: yearTenThousand).description == "10000-01-01T00:00:00.000000Z")
        #expect(
            Timestamp.parse(Array("2026-01-08 14:31:02.5+01:00".utf8))?.description == "2026-01-08T13:31:02.500000Z")
        #expect(
            Timestamp.parse(Array("2026-01-08T13:31:02.123456789".utf8))?.description == "2026-01-08T13:31:02.123456Z")
        for bad in [
            "2026-00-08T13:31:02Z", "2026-01-32T13:31:02Z", "2026-01-08T24:00:00Z", "2026-01-08T13:31:02.Z",
            "2026-01-08T13:31:02Zx", "x",
            // Impossible moments (issue 21): past the month's end, a leap second, past the year 9999.
            "2026-02-30T13:31:02Z", "2025-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-01-08T23:59:60Z",
            "9999-12-31T23:59:60Z", "9999-12-31T23:30:00-01:00", "10000-01-01T00:00:00Z", "0000-12-31T23:59:59Z",
        ] {
            #expect(Timestamp.parse(Array(bad.utf8)) == nil, "\(bad)")
        }
        let a = Timestamp.parse(Array("2026-01-08T13:31:02.647435Z".utf8))!
        let b = Timestamp.parse(Array("2026-01-08T13:35:25.931275Z".utf8))!
        #expect(a.seconds(to: b) == 263.28384)
    }
}
