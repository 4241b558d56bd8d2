"use server";

import { revalidatePath } from "next/cache";

export async function refreshPosts() {
  revalidatePath("/posts");
}
