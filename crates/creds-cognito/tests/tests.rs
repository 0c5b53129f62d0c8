//! The Cognito providers against a loopback Cognito Identity (creds-testkit): request
//! shapes, the identity id store, logins from callbacks, errors.

mod pool;
