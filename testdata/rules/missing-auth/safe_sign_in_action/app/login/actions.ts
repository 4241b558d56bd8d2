"use server";

import { signIn } from "@/lib/auth";

export async function login(formData: FormData) {
  await signIn("credentials", formData);
}
