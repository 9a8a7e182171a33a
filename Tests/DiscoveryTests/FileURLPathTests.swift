import Foundation
import Testing

@testable import Discovery

/// The cache folder's path is read from the URL's string on the hit path; it must be exactly
/// what Foundation's `standardizedFileURL.path` says, whatever the URL.
@Suite struct FileURLPathTests {
    private static let absolute = [
        "/", "/tmp", "/tmp/", "/tmp/cache", "/tmp/a b", "/tmp/x/../y", "/tmp/./y", "/tmp//y", "/tmp/ünï",
        "/tmp/a%b", "/tmp/a?b", "/tmp/a#b", "/tmp/a;b", "/tmp/a:b", "/tmp/...", "/tmp/.hidden", "/tmp/..x",
        "/tmp/a+b=c,d@e~f", "/..", "/tmp/..",
    ]
    private static let relative = ["runs/.cache/bench", "runs/.cache/bench/", ".", "..", "a/../b", "./a", "a b", "x"]

    @Test(arguments: absolute + relative)
    func matchesFoundationForPaths(_ path: String) {
        for url in [
            URL(fileURLWithPath: path), URL(fileURLWithPath: path, isDirectory: true),
            URL(fileURLWithPath: path).appendingPathComponent("persistent-100"),
        ] {
            #expect(FileURLPath.standardized(url) == url.standardizedFileURL.path, "\(url)")
        }
    }

    @Test(arguments: relative)
    func matchesFoundationOnAnyBase(_ path: String) {
        for base in ["/", "/tmp/base/", "/tmp/a b/", "/tmp/x/../base/"] {
            let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: base, isDirectory: true))
            #expect(FileURLPath.standardized(url) == url.standardizedFileURL.path, "\(url)")
        }
    }

    @Test func matchesFoundationForURLStrings() throws {
        for string in ["file:///tmp/a", "file:///tmp/a/", "file://localhost/tmp/a", "file:///tmp/%41", "file:///"] {
            for url in [URL(string: string), URL(string: string, relativeTo: URL(fileURLWithPath: "/tmp/base/"))] {
                let url = try #require(url)
                #expect(FileURLPath.standardized(url) == url.standardizedFileURL.path, "\(url)")
            }
        }
    }
}
