//! Declaring a closed vocabulary once: [`named_enum!`] writes the enum, its
//! count, its list and its written names from one list of `Variant => "name"`
//! lines, and [`BitSet`] is a set of such values sized from that count, so a
//! new field or message code is one line and no limit has to be widened by
//! hand.

/// Declares an enum whose variants each have a written name, with
/// `COUNT`, `ALL` (declaration order) and `NAMES`.
#[macro_export]
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Number of variants.
            pub const COUNT: usize = [$( $text ),+].len();
            /// Every variant, in declaration order.
            pub const ALL: [$name; $name::COUNT] = [$( $name::$variant ),+];
            /// Written names, in declaration order.
            pub const NAMES: [&'static str; $name::COUNT] = [$( $text ),+];
        }
    };
}

/// A set of small indices below `64 * W` (use [`words_for`] for `W`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BitSet<const W: usize>([u64; W]);

/// Words a [`BitSet`] needs for `count` values.
pub const fn words_for(count: usize) -> usize {
    count.div_ceil(64)
}

impl<const W: usize> Default for BitSet<W> {
    fn default() -> Self {
        BitSet([0; W])
    }
}

impl<const W: usize> BitSet<W> {
    /// The empty set.
    pub const fn new() -> Self {
        BitSet([0; W])
    }

    /// Adds `i`; true when it was not in the set.
    #[inline]
    pub fn insert(&mut self, i: usize) -> bool {
        let (w, b) = (i / 64, 1u64 << (i % 64));
        let fresh = self.0[w] & b == 0;
        self.0[w] |= b;
        fresh
    }

    /// True when `i` is in the set.
    #[inline]
    pub fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1u64 << (i % 64)) != 0
    }

    /// True when the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    named_enum! {
        /// A test vocabulary.
        enum Colour {
            /// Red.
            Red => "red",
            /// Green.
            Green => "green",
        }
    }

    #[test]
    fn names_and_counts_come_from_one_list() {
        assert_eq!(Colour::COUNT, 2);
        assert_eq!(Colour::ALL, [Colour::Red, Colour::Green]);
        assert_eq!(Colour::NAMES[Colour::Green as usize], "green");
    }

    #[test]
    fn bit_sets_span_words() {
        let mut s = BitSet::<{ words_for(130) }>::new();
        assert!(s.is_empty());
        assert!(s.insert(0) && s.insert(64) && s.insert(129));
        assert!(!s.insert(64));
        assert!(s.contains(129) && s.contains(0) && !s.contains(1) && !s.contains(128));
    }
}
