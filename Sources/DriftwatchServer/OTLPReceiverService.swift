import Hummingbird
import NIOCore
import CZlib
