/** Password hashing for kpam's local users: Argon2id in PHC string format. */
package dev.kpam.crypto.passwords;
