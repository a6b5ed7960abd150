import Testing
@testable import TandemCore
