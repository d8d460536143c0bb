import KeywardCore
import Yams
