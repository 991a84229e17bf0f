//! Reports: everything that turns results into text for people and tools (tables, CSV,
//! JSON), and reads the inputs that only the reports need. The computing modules before
//! it stay free of I/O.

pub mod erlang_calc;
