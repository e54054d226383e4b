//! The blobs of a repository's packfiles, in pack order, without inflating
//! anything: the `.idx` files give each object's offset, and the few header
//! bytes at that offset give its type (a delta takes its base's type).
//! Reading blobs in pack order keeps delta bases hot in libgit2's cache.

use std::{collections::HashMap, fs::File, path::Path};

use git2::Oid;
use memmap2::Mmap;

use super::{OidMap, OidSet};

const OBJ_BLOB: u8 = 3;
const OBJ_OFS_DELTA: u8 = 6;
const OBJ_REF_DELTA: u8 = 7;

/// What the packfiles say about objects.
#[derive(Default)]
pub struct PackIndex {
    /// Blob ids in pack order (pack by pack, by offset).
    pub blobs: Vec<Oid>,
    /// Ids of every packed object.
    pub packed: OidSet,
}

/// Reads every `objects/pack/*.idx` (v2, SHA-1) with its pack. A pack that
/// cannot be read is left out: its objects are then found as loose ones.
pub fn index(objects_dir: &Path) -> PackIndex {
    let mut out = PackIndex::default();
    let Ok(entries) = std::fs::read_dir(objects_dir.join("pack")) else {
        return out;
    };
    let mut idx_files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "idx"))
        .collect();
    idx_files.sort();
    for idx in idx_files {
        if let Some(objects) = read_pack(&idx) {
            for (oid, is_blob) in objects {
                if out.packed.insert(oid) && is_blob {
                    out.blobs.push(oid);
                }
            }
        }
    }
    out
}

/// The objects of one pack in offset order, each with whether it is a blob.
fn read_pack(idx_path: &Path) -> Option<Vec<(Oid, bool)>> {
    let idx = map(idx_path)?;
    let pack = map(&idx_path.with_extension("pack"))?;
    let entries = parse_idx(&idx)?;
    let mut by_offset: Vec<(u64, Oid)> = entries;
    by_offset.sort_unstable_by_key(|&(off, _)| off);
    let mut type_at: HashMap<u64, u8> = HashMap::with_capacity(by_offset.len());
    let mut type_of: OidMap<u8> = OidMap::default();
    let mut out = Vec::with_capacity(by_offset.len());
    for &(offset, oid) in &by_offset {
        let kind = match entry_header(&pack, offset)? {
            Header::Plain(kind) => kind,
            Header::OfsDelta(base) => *type_at.get(&base)?,
            // A base later in the pack (unusual) is unknown yet: call it a
            // blob, so it is read and its real type checked.
            Header::RefDelta(base) => type_of.get(&base).copied().unwrap_or(OBJ_BLOB),
        };
        type_at.insert(offset, kind);
        type_of.insert(oid, kind);
        out.push((oid, kind == OBJ_BLOB));
    }
    Some(out)
}

fn map(path: &Path) -> Option<Mmap> {
    let file = File::open(path).ok()?;
    // SAFETY: the file is only read; git never rewrites a pack in place (it
    // writes new packs and renames), so the mapping stays valid while used.
    unsafe { Mmap::map(&file) }.ok()
}

/// (offset, id) of every object in a v2 SHA-1 `.idx`.
fn parse_idx(idx: &[u8]) -> Option<Vec<(u64, Oid)>> {
    if idx.get(..8)? != b"\xfftOc\x00\x00\x00\x02" {
        return None;
    }
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(idx.get(at..at + 4)?.try_into().ok()?))
    };
    let n = be32(8 + 255 * 4)? as usize;
    let ids = 8 + 256 * 4;
    let offsets = ids + n * 20 + n * 4;
    let large = offsets + n * 4;
    (0..n)
        .map(|i| {
            let oid = Oid::from_bytes(idx.get(ids + i * 20..ids + i * 20 + 20)?).ok()?;
            let small = be32(offsets + i * 4)?;
            let offset = if small & 0x8000_0000 == 0 {
                small as u64
            } else {
                let at = large + (small & 0x7fff_ffff) as usize * 8;
                u64::from_be_bytes(idx.get(at..at + 8)?.try_into().ok()?)
            };
            Some((offset, oid))
        })
        .collect()
}

enum Header {
    Plain(u8),
    OfsDelta(u64),
    RefDelta(Oid),
}

/// Decodes the object header at `offset` of a pack.
fn entry_header(pack: &[u8], offset: u64) -> Option<Header> {
    let mut at = usize::try_from(offset).ok()?;
    let mut byte = *pack.get(at)?;
    let kind = (byte >> 4) & 7;
    while byte & 0x80 != 0 {
        at += 1;
        byte = *pack.get(at)?;
    }
    at += 1;
    match kind {
        OBJ_OFS_DELTA => {
            let mut byte = *pack.get(at)?;
            let mut distance = u64::from(byte & 0x7f);
            while byte & 0x80 != 0 {
                at += 1;
                byte = *pack.get(at)?;
                distance = ((distance + 1) << 7) | u64::from(byte & 0x7f);
            }
            Some(Header::OfsDelta(offset.checked_sub(distance)?))
        }
        OBJ_REF_DELTA => Some(Header::RefDelta(
            Oid::from_bytes(pack.get(at..at + 20)?).ok()?,
        )),
        1..=4 => Some(Header::Plain(kind)),
        _ => None,
    }
}
