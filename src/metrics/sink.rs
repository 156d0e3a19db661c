//! Where the rows of a run go as the simulation closes them: kept in memory (a
//! `Vec<SampleRow>`), written to a file as they come (`output::stream::RowFiles`), or
//! dropped ([`Discard`], for callers that read only the summary). The summary never
//! needs the rows afterwards: it is folded from them on the way (see
//! [`crate::metrics::summary::SummaryFold`]), so a run's memory does not grow with its
//! length unless the sink keeps the rows.

use crate::metrics::SampleRow;

/// Takes the rows of a run, in time order, each once.
pub trait RowSink {
    /// The next row of the run.
    fn row(&mut self, row: SampleRow);
}

impl RowSink for Vec<SampleRow> {
    fn row(&mut self, row: SampleRow) {
        self.push(row);
    }
}

/// Drops every row.
#[derive(Clone, Copy, Debug, Default)]
pub struct Discard;

impl RowSink for Discard {
    fn row(&mut self, _row: SampleRow) {}
}
