import Testing
import TandemCore

@Suite struct PathTextTests {
    @Test(arguments: [("journal", "."), ("a/b", "a"), ("/x", "/"), ("/x/y/", "/x"), ("./j", "."), ("/", "/"), ("a//b", "a/")])
    func parentOfAPath(path: String, parent: String) {
        #expect(PathText.parent(of: path) == parent)
    }
}
