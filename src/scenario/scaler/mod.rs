//! `esm.scaler`: how the number of pollers changes, one module per policy.
//!
//! The raw form reads the `policy` tag first (`aws` when absent) and then deserialises
//! that policy's own struct, which rejects unknown fields. A field of another policy is
//! an error that names the field, the policy that has it, the policy in force and its
//! fields, with the line. `--set` overrides go through the same types (as JSON), so
//! `--set esm.scaler.max_pollers=7` and `--set esm.scaler={policy: fixed, pollers: 2}`
//! are checked the same way.
//!
//! Adding a policy: a module here with its raw struct (implementing `ScalerPolicy`),
//! resolved settings and `explain` inverse; one line in the `scaler_policies!` list
//! below; a [`Scaler`] variant and its arms in `to_raw` and [`Scaler::assumptions`] (a
//! policy's own assumptions reach the manifest only when it is in force); and the
//! engine's scaler.

pub mod aws;
pub mod fixed;
pub mod keda;
pub mod legacy;
pub mod phase;

use std::fmt;

use serde::de::value::{MapAccessDeserializer, StringDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor,
};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::esm::provisioned::Provisioned;
use super::locate::FieldPath;
use super::resolve::{Context, Result};
use aws::{AwsScaler, RawAwsScaler};
use fixed::RawFixedScaler;
use keda::{KedaScaler, RawKedaScaler};
use legacy::RawLegacyScaler;

/// The key that selects the policy.
const POLICY: &str = "policy";

/// The poller scaling policy.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "policy", rename_all = "snake_case")]
pub enum Scaler {
    /// A fixed number of pollers (at most the partition count).
    Fixed {
        /// Number of pollers.
        pollers: u32,
    },
    /// The AWS-like on-demand scaler: evaluates the total lag every interval, adds
    /// pollers while it is high, removes them once it is low for a while.
    Aws(AwsScaler),
    /// The KEDA Kafka scaler with the Kubernetes HPA: ceil(total lag / lag threshold)
    /// pollers, with the HPA's tolerance and scale-down stabilisation window.
    Keda(KedaScaler),
    /// The on-demand scaler as AWS described it before 2022: the `aws` rules, starting at
    /// half of the maximum and evaluating every 15 minutes.
    Legacy(AwsScaler),
    /// Provisioned mode's autoscaler (`esm.mode: provisioned`, set under
    /// `esm.provisioned`, not here).
    Provisioned(Provisioned),
}

impl Scaler {
    /// The manifest's assumptions of this policy beyond those every manifest lists (the
    /// `aws` policy's and provisioned mode's are among those).
    pub fn assumptions(&self) -> Vec<String> {
        match self {
            Scaler::Fixed { .. } | Scaler::Aws(_) | Scaler::Provisioned(_) => Vec::new(),
            Scaler::Keda(_) => keda::assumptions(),
            Scaler::Legacy(_) => legacy::assumptions(),
        }
    }
}

/// A policy as the format knows it: its tag and the fields of its settings.
#[derive(Clone, Copy)]
struct Policy {
    /// The value of `policy` that selects it.
    tag: &'static str,
    /// The fields of its settings (besides `policy`).
    fields: fn() -> &'static [&'static str],
}

impl Policy {
    /// Whether its settings have the field `key`.
    fn has(&self, key: &str) -> bool {
        (self.fields)().contains(&key)
    }
}

/// What a policy's resolution may depend on besides its own settings.
pub(crate) struct ScalerInputs {
    /// `topic.partitions`: the most pollers that can have work.
    pub partitions: u32,
    /// `esm.batch_size`, for lag thresholds measured in batches.
    pub batch_size: u32,
}

/// The raw settings of one policy: what each policy module provides.
pub(crate) trait ScalerPolicy {
    /// Checks the settings at `at` (`esm.scaler`) and fills every default.
    fn resolve(&self, at: &FieldPath, cx: &Context<'_>, inputs: &ScalerInputs) -> Result<Scaler>;
}

/// Declares the policies: `"tag" => Variant(raw settings type)`, one line each.
macro_rules! scaler_policies {
    ($($tag:literal => $variant:ident($raw:ty)),+ $(,)?) => {
        /// `esm.scaler`: the settings of one policy, chosen by its `policy` tag.
        /// Serialises with the tag first.
        #[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
        #[serde(tag = "policy")]
        #[allow(
            clippy::large_enum_variant,
            reason = "one per scenario, read once: boxing would only add noise"
        )]
        pub enum RawScaler {
            $(
                #[doc = concat!("`policy: ", $tag, "`.")]
                #[serde(rename = $tag)]
                $variant($raw),
            )+
        }

        impl RawScaler {
            /// Every policy's tag.
            const TAGS: &'static [&'static str] = &[$($tag),+];

            /// Every policy.
            const POLICIES: &'static [Policy] = &[$(Policy {
                tag: $tag,
                fields: struct_fields::<$raw>,
            }),+];

            /// Which policy this is.
            fn info(&self) -> Policy {
                match self {
                    $(RawScaler::$variant(_) => Policy {
                        tag: $tag,
                        fields: struct_fields::<$raw>,
                    },)+
                }
            }

            /// Reads the rest of the map as the settings of the policy `fields.policy`.
            fn read<'de, A: MapAccess<'de>>(
                fields: PolicyFields<A>,
            ) -> std::result::Result<RawScaler, A::Error> {
                let tag = fields.policy.tag;
                let rest = MapAccessDeserializer::new(fields);
                match tag {
                    $($tag => <$raw>::deserialize(rest).map(RawScaler::$variant),)+
                    other => Err(de::Error::unknown_variant(other, Self::TAGS)),
                }
            }

            /// The policy's own resolution.
            fn policy(&self) -> &dyn ScalerPolicy {
                match self {
                    $(RawScaler::$variant(settings) => settings,)+
                }
            }
        }
    };
}

scaler_policies! {
    "aws" => Aws(RawAwsScaler),
    "fixed" => Fixed(RawFixedScaler),
    "keda" => Keda(RawKedaScaler),
    "legacy" => Legacy(RawLegacyScaler),
}

impl Default for RawScaler {
    /// The policy when `esm.scaler` or its `policy` is absent: the on-demand scaler.
    fn default() -> RawScaler {
        RawScaler::Aws(RawAwsScaler::default())
    }
}

/// Resolves `esm.scaler` at `at` (the default policy when absent).
pub(crate) fn resolve(
    raw: Option<&RawScaler>,
    at: &FieldPath,
    cx: &Context<'_>,
    partitions: u32,
    batch_size: u32,
) -> Result<Scaler> {
    let default = RawScaler::default();
    let inputs = ScalerInputs {
        partitions,
        batch_size,
    };
    raw.unwrap_or(&default).policy().resolve(at, cx, &inputs)
}

/// The `explain` inverse: the resolved policy with every field written out; `None` for
/// provisioned mode's autoscaler, which is written under `esm.provisioned`.
pub(crate) fn to_raw(s: &Scaler) -> Option<RawScaler> {
    Some(match s {
        Scaler::Fixed { pollers } => RawScaler::Fixed(fixed::to_raw(*pollers)),
        Scaler::Aws(a) => RawScaler::Aws(aws::to_raw(a)),
        Scaler::Keda(k) => RawScaler::Keda(keda::to_raw(k)),
        Scaler::Legacy(a) => RawScaler::Legacy(legacy::to_raw(a)),
        Scaler::Provisioned(_) => return None,
    })
}

impl<'de> Deserialize<'de> for RawScaler {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_map(ScalerVisitor)
    }
}

struct ScalerVisitor;

impl<'de> Visitor<'de> for ScalerVisitor {
    type Value = RawScaler;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a map with the `policy` ({}) and its settings",
            tag_list()
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<RawScaler, A::Error> {
        let (policy, given, pending) = match map.next_key::<Spanned<String>>()? {
            Some(key) if key.value == POLICY => (read_tag(&mut map)?, true, None),
            first => (RawScaler::default().info(), false, first),
        };
        RawScaler::read(PolicyFields {
            map,
            policy,
            given,
            pending,
        })
    }
}

/// Reads the value of `policy`: one of the policies' tags.
fn read_tag<'de, A: MapAccess<'de>>(map: &mut A) -> std::result::Result<Policy, A::Error> {
    let tag: String = map.next_value()?;
    RawScaler::POLICIES
        .iter()
        .find(|p| p.tag == tag)
        .copied()
        .ok_or_else(|| de::Error::unknown_variant(&tag, RawScaler::TAGS))
}

/// The policies' tags as the format writes them: `` `aws`, `fixed`, `keda` or `legacy` ``.
fn tag_list() -> String {
    one_of(RawScaler::TAGS.iter().copied())
}

/// `tags` in words: `` `a` ``, `` `a` or `b` ``, `` `a`, `b` or `c` ``.
fn one_of<'a>(tags: impl Iterator<Item = &'a str>) -> String {
    let tags: Vec<String> = tags.map(|t| format!("`{t}`")).collect();
    match tags.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => tags.concat(),
    }
}

/// The entries of an `esm.scaler` map after the `policy` tag, handed to the policy's
/// struct. Keys of another policy are reported as such; a `policy` key after the first
/// is accepted only when it repeats the default policy that was assumed.
struct PolicyFields<A> {
    /// The map being read.
    map: A,
    /// The policy in force.
    policy: Policy,
    /// Whether `policy` was written (rather than assumed to be the default).
    given: bool,
    /// A key read to look for the tag, not yet handed on.
    pending: Option<Spanned<String>>,
}

impl<'de, A: MapAccess<'de>> PolicyFields<A> {
    /// The next key that is not a repeated tag.
    fn next_field(&mut self) -> std::result::Result<Option<Spanned<String>>, A::Error> {
        loop {
            let key = match self.pending.take() {
                Some(key) => key,
                None => match self.map.next_key::<Spanned<String>>()? {
                    Some(key) => key,
                    None => return Ok(None),
                },
            };
            if key.value != POLICY {
                return Ok(Some(key));
            }
            if self.given {
                return Err(de::Error::duplicate_field(POLICY));
            }
            let policy = read_tag(&mut self.map)?;
            if policy.tag != self.policy.tag {
                return Err(de::Error::custom(format!(
                    "`esm.scaler.policy`{} is `{}`, but it comes after fields of `policy: {}`, the default; write `policy` first",
                    line_of(&key),
                    policy.tag,
                    self.policy.tag
                )));
            }
            self.given = true;
        }
    }

    /// The error for `key`, a field of the policies `owners` (in words) rather than of the
    /// one in force.
    fn foreign_field(&self, key: &Spanned<String>, owners: &str) -> A::Error {
        let mut fields = vec![format!("`{POLICY}`")];
        fields.extend((self.policy.fields)().iter().map(|f| format!("`{f}`")));
        let assumed = if self.given {
            ""
        } else {
            ", the default, as no `policy` comes before it"
        };
        de::Error::custom(format!(
            "`esm.scaler.{}`{} is only valid with {owners} (the policy here is `{}`{assumed}; its fields are {})",
            key.value,
            line_of(key),
            self.policy.tag,
            fields.join(", ")
        ))
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for PolicyFields<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> std::result::Result<Option<K::Value>, A::Error> {
        let Some(key) = self.next_field()? else {
            return Ok(None);
        };
        if !self.policy.has(&key.value) {
            let owners = RawScaler::POLICIES.iter().filter(|p| p.has(&key.value));
            let owners = owners
                .map(|p| format!("policy: {}", p.tag))
                .collect::<Vec<_>>();
            let owners = one_of(owners.iter().map(String::as_str));
            if !owners.is_empty() {
                return Err(self.foreign_field(&key, &owners));
            }
        }
        // Any other unknown key is the policy struct's to reject, with its field list.
        let key: StringDeserializer<A::Error> = key.value.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> std::result::Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// ` (line N)` for a key read from YAML; nothing when the line is unknown (JSON).
fn line_of(key: &Spanned<String>) -> String {
    match key.referenced.line() {
        0 => String::new(),
        line => format!(" (line {line})"),
    }
}

/// The field names of a struct with derived `Deserialize`, as serde lists them.
fn struct_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    /// A deserializer that only records the field list it is asked for.
    struct FieldNames<'a>(&'a mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for FieldNames<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(
            self,
            _visitor: V,
        ) -> std::result::Result<V::Value, Self::Error> {
            Err(de::Error::custom("only structs have field names"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> std::result::Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("field names recorded"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    // The error is expected: the deserializer stops once it has the names.
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

#[cfg(test)]
mod tests;
